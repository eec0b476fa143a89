import { type AddressPolicy, isIpLiteral } from './address-policy.js';
import { systemResolver, type ResolveHost } from './guarded-agent.js';

/** A broker URL pointed at the address that was checked, and the name TLS must verify. */
export interface CheckedUrl {
  /** The URL with its host replaced by the checked IP address (unchanged when the policy allows everything). */
  url: string;
  /** The host name as written, for TLS (SNI and certificate checks); undefined for IP literals. */
  servername?: string;
}

/**
 * Resolves `host` and checks every address against the policy; returns the address to connect
 * to (the first), or throws the PrivateAddressError. For clients that take no `lookup` option
 * (Redis, NATS, AMQP, MQTT): they connect to the returned address, so what was checked is what is
 * reached, even if the name resolves elsewhere a moment later (DNS rebinding).
 *
 * @example
 * const address = await checkedAddress('redis.internal', AddressPolicy.strict); // throws: private
 */
export async function checkedAddress(host: string, policy: AddressPolicy, resolve: ResolveHost = systemResolver): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (policy.allowsEverything) return bare;
  if (isIpLiteral(bare)) {
    const refusal = policy.refusal(bare, bare);
    if (refusal) throw refusal;
    return bare;
  }
  const addresses = await resolve(bare);
  if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${bare}`), { code: 'ENOTFOUND' });
  for (const { address } of addresses) {
    const refusal = policy.refusal(bare, address);
    if (refusal) throw refusal;
  }
  return addresses[0]!.address;
}

/**
 * A broker URL (`redis://user:pass@host:6379/0`, `amqps://…`) with its host checked and replaced
 * by the checked address; credentials, port, path and query are kept.
 *
 * @example
 * const { url, servername } = await checkedUrl('rediss://cache.example.com:6380', policy);
 * new Redis(url, { tls: { servername } });
 */
export async function checkedUrl(url: string, policy: AddressPolicy, resolve: ResolveHost = systemResolver): Promise<CheckedUrl> {
  if (policy.allowsEverything) return { url };
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const address = await checkedAddress(host, policy, resolve);
  if (address === host) return { url };
  parsed.hostname = address.includes(':') ? `[${address}]` : address;
  return { url: parsed.toString(), servername: host };
}
