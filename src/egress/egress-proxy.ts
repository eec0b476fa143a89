import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { buildConnector } from 'undici';
import type { AddressPolicy } from './address-policy.js';

/** The guarded agent's lookup (guardedLookup): resolves a name and refuses addresses the policy refuses. */
export type CheckedLookup = (
  hostname: string,
  options: object,
  callback: (error: NodeJS.ErrnoException | null, address: string | { address: string }[]) => void,
) => void;

/** OUTBOX_EGRESS_PROXY: the HTTP CONNECT proxy HTTP targets go through, and the hosts that bypass it. */
export interface EgressProxy {
  url: URL;
  /** OUTBOX_EGRESS_NO_PROXY: host names (a leading `.` or none: the domain and its subdomains), IPs, or `*`. */
  noProxy: string[];
}

/** The proxy, not the endpoint, failed: unreachable, refused the tunnel, or answered garbage. */
export class EgressProxyError extends Error {
  override readonly name = 'EgressProxyError';
  readonly code = 'OUTBOX_EGRESS_PROXY';
}

/**
 * Parses OUTBOX_EGRESS_PROXY (`http://[user:pass@]host:port`) and OUTBOX_EGRESS_NO_PROXY
 * (comma-separated). Throws naming what is wrong, never echoing a password.
 *
 * @example
 * parseEgressProxy('http://proxy.internal:3128', 'hooks.internal,.corp.example');
 */
export function parseEgressProxy(value: string, noProxy: string | undefined): EgressProxy {
  if (!URL.canParse(value)) throw new Error('must be a URL, e.g. http://proxy.internal:3128');
  const url = new URL(value);
  if (url.protocol === 'socks5:' || url.protocol === 'socks:')
    throw new Error('SOCKS proxies are not supported: give an HTTP CONNECT proxy (http://host:port)');
  if (url.protocol !== 'http:') throw new Error('must be an http:// proxy URL (the tunnel carries TLS to https endpoints itself)');
  if (url.pathname !== '/' || url.search) throw new Error('must be http://host:port, without a path');
  const hosts = (noProxy ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  return { url, noProxy: hosts };
}

/** A proxy URL safe to print: no credentials. */
export function displayProxy(proxy: EgressProxy): string {
  return `${proxy.url.protocol}//${proxy.url.host}`;
}

/** True when `hostname` goes direct: listed in OUTBOX_EGRESS_NO_PROXY (as a name, a domain, or `*`). */
export function bypassesProxy(proxy: EgressProxy, hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return proxy.noProxy.some((entry) => entry === '*' || host === entry.replace(/^\./, '') || host.endsWith(entry.startsWith('.') ? entry : `.${entry}`));
}

/**
 * An undici connector that reaches endpoints through an HTTP CONNECT proxy, with the address
 * policy still deciding: the endpoint's name is resolved and checked here (as the guarded agent
 * does), and the tunnel is opened to the very address checked, so neither the proxy's own DNS
 * nor a rebinding can lead to a private address. TLS to https endpoints runs inside the tunnel,
 * to the endpoint's name. A failure before the tunnel stands is an EgressProxyError: the proxy's
 * fault, not the endpoint's.
 *
 * @example
 * new Agent({ connect: proxyConnector(proxy, policy, { timeout: 10_000, lookup: guardedLookup(policy) }) });
 */
export function proxyConnector(
  proxy: EgressProxy,
  policy: AddressPolicy,
  options: { timeout: number; lookup: CheckedLookup; tls?: Pick<ConnectionOptions, 'cert' | 'key' | 'ca'> },
): buildConnector.connector {
  const { lookup } = options;
  return (target, callback) => {
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    const checked = (address: string) =>
      openTunnel(proxy, address, port, options.timeout, (error, socket) => {
        if (error || !socket) return callback(error ?? new EgressProxyError('no tunnel'), null);
        if (target.protocol !== 'https:') return callback(null, socket);
        const secure = tlsConnect({ socket, ...(isIP(hostname) ? {} : { servername: hostname }), ALPNProtocols: ['http/1.1'], ...options.tls });
        secure.once('secureConnect', () => callback(null, secure));
        secure.once('error', (tlsError: Error) => callback(tlsError, null));
      });
    if (isIP(hostname)) {
      const refusal = policy.refusal(hostname, hostname);
      return refusal ? callback(refusal, null) : checked(hostname);
    }
    lookup(hostname, {}, (error, address) => (error ? callback(error, null) : checked(typeof address === 'string' ? address : (address[0]?.address ?? ''))));
  };
}

/** Opens `CONNECT address:port` through the proxy; calls back with the tunnel's socket. */
function openTunnel(proxy: EgressProxy, address: string, port: number, timeoutMs: number, done: (error: Error | null, socket?: Socket) => void): void {
  const where = `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
  const socket = netConnect({ host: proxy.url.hostname, port: Number(proxy.url.port || 80) });
  let settled = false;
  const fail = (reason: string) => {
    if (settled) return;
    settled = true;
    socket.destroy();
    done(new EgressProxyError(`egress proxy ${displayProxy(proxy)} ${reason}`));
  };
  socket.setTimeout(timeoutMs, () => fail(`did not open a tunnel to ${where} within ${timeoutMs} ms`));
  socket.once('error', (error: NodeJS.ErrnoException) => fail(`is unreachable: ${error.code ?? error.message}`));
  socket.once('close', () => fail(`closed the connection before opening a tunnel to ${where}`));
  const credentials = proxy.url.username
    ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.url.username)}:${decodeURIComponent(proxy.url.password)}`).toString('base64')}\r\n`
    : '';
  socket.once('connect', () => socket.write(`CONNECT ${where} HTTP/1.1\r\nHost: ${where}\r\n${credentials}\r\n`));
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return head.length > 16_384 ? fail('answered CONNECT with an endless header') : undefined;
    socket.off('data', onData);
    const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
    if (!/^HTTP\/1\.[01] 200\b/.test(status)) return fail(`refused a tunnel to ${where}: ${status.slice(0, 100)}`);
    settled = true;
    socket.setTimeout(0);
    socket.removeAllListeners('error');
    socket.removeAllListeners('close');
    // Bytes after the proxy's answer belong to the endpoint.
    if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
    done(null, socket);
  };
  socket.on('data', onData);
}

/**
 * Why the proxy cannot be reached (a TCP connection within `timeoutMs`), or undefined when it can:
 * checked at start-up, so a wrong OUTBOX_EGRESS_PROXY stops the engine with one line.
 *
 * @example
 * const problem = await probeEgressProxy(proxy, 5_000);
 */
export function probeEgressProxy(proxy: EgressProxy, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: proxy.url.hostname, port: Number(proxy.url.port || 80) });
    const finish = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => finish(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}
