import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import type { ConnectionOptions } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { type AddressPolicy, isIpLiteral } from './address-policy.js';
import { bypassesProxy, proxyConnector, type EgressProxy } from './egress-proxy.js';

/** Resolves a host name to all its addresses (node:dns lookup by default; tests inject one). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver, as the OS would resolve it for a connection. */
export const systemResolver: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

export interface GuardedAgentOptions {
  policy: AddressPolicy;
  /** Defaults to the system resolver. */
  resolve?: ResolveHost;
  /** Connect timeout, ms. */
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** A client certificate (mTLS) and the CAs to trust instead of the system's, for one endpoint's pool. */
  tls?: Pick<ConnectionOptions, 'cert' | 'key' | 'ca'>;
  /** OUTBOX_EGRESS_PROXY: connections go through it (but for OUTBOX_EGRESS_NO_PROXY hosts), the policy still checking the endpoint's address. */
  proxy?: EgressProxy | undefined;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici Agent that checks every address it is about to connect to against the policy. The
 * check runs on the resolved address at connect time, so a name that resolved to a public
 * address when the subscription was saved and to 169.254.169.254 later (DNS rebinding) is still
 * refused; IP literals, which skip the resolver, are checked before connecting. TLS certificates
 * are verified (undici's default; extra CAs come from NODE_EXTRA_CA_CERTS).
 *
 * @example
 * const http = createGuardedAgent({ policy: AddressPolicy.parse(process.env.OUTBOX_ALLOW_PRIVATE_TARGETS) });
 * await request('https://hooks.example.com/x', { dispatcher: http, method: 'POST', body: '{}' });
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const { policy } = options;
  const resolve = options.resolve ?? systemResolver;
  const agentOptions = { keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000 };
  const timeout = options.connectTimeoutMs ?? 10_000;
  const tls = options.tls ?? {};
  const { proxy } = options;
  if (policy.allowsEverything && !options.resolve && !proxy) return new Agent({ ...agentOptions, connect: { timeout, ...tls } });

  const lookup = guardedLookup(policy, resolve);
  const direct = buildConnector({ timeout, lookup, ...tls });
  const proxied = proxy && proxyConnector(proxy, policy, { timeout, lookup, tls });
  const connectBase: typeof direct = (connectOptions, callback) =>
    proxied && !bypassesProxy(proxy, connectOptions.hostname) ? proxied(connectOptions, callback) : direct(connectOptions, callback);
  return new Agent({
    ...agentOptions,
    connect: (connectOptions, callback) => {
      const { hostname } = connectOptions;
      if (isIpLiteral(hostname)) {
        const refusal = policy.refusal(hostname, hostname);
        if (refusal) {
          callback(refusal, null);
          return;
        }
      }
      connectBase(connectOptions, callback);
    },
  });
}

/**
 * A `lookup` for net.connect / tls.connect that resolves with `resolve` and refuses (before any
 * socket is opened) when any address the name resolves to is refused by the policy: connecting
 * may fall back from one address to the next. The connection then goes to the address checked,
 * so a DNS answer that changes between check and connect (rebinding) cannot slip through. IP
 * literals skip lookups: check those with the policy before connecting.
 *
 * @example
 * net.connect({ host: 'broker.example.com', port: 9092, lookup: guardedLookup(policy) });
 */
export function guardedLookup(policy: AddressPolicy, resolve: ResolveHost = systemResolver) {
  return (hostname: string, lookupOptions: LookupOptions | LookupAllOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (all) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? all.filter((entry) => entry.family === lookupOptions.family) : all;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), []);
          return;
        }
        for (const entry of wanted) {
          const refusal = policy.refusal(hostname, entry.address);
          if (refusal) return callback(refusal, []);
        }
        if (lookupOptions.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
