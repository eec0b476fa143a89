/**
 * The egress room: which addresses a delivery may reach (this file), the HTTP agent that checks
 * every resolved address before it connects, and the URL check made when a subscription is saved.
 * Imports no other room; targets/, failures/ and subscriptions/ import it.
 */
import ipaddr from 'ipaddr.js';

/** The error code of a refused address, so it is recognised after a client rewrapped it. */
export const PRIVATE_ADDRESS_CODE = 'EOUTBOX_PRIVATE_ADDRESS';

/** A target address was refused: loopback, private, link-local, unique-local, multicast, … */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
  /** Kept by clients that rewrap socket errors with only their message and code (kafkajs). */
  readonly code = PRIVATE_ADDRESS_CODE;
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(
      `${host === address ? address : `${host} resolves to ${address}, which`} is a ${range} address; targets on internal networks are refused ` +
        '(protection against server-side request forgery). To allow it, add it to OUTBOX_ALLOW_PRIVATE_TARGETS (e.g. "10.1.0.0/16" or the host name) ' +
        'or set allowPrivateAddresses on this subscription (--allow-private-address).',
    );
  }
}

/** Human names for ipaddr.js ranges in messages. */
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified (0.0.0.0 / ::)',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local (cloud metadata lives here)',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique-local',
};

/**
 * Which target addresses the engine may connect to. Only public unicast addresses by default;
 * OUTBOX_ALLOW_PRIVATE_TARGETS widens it:
 * - `all`: no restriction (trusted, internal-only deployments);
 * - a comma list of `loopback`, IP addresses, CIDR ranges (`10.1.0.0/16`, `fd00::/8`) and exact
 *   host names (`erp.internal`), each allowed even though it is private.
 *
 * @example
 * const policy = AddressPolicy.parse('loopback,10.1.0.0/16');
 * policy.refusal('example.com', '10.1.2.3'); // undefined: allowed
 * policy.refusal('example.com', '10.2.0.1'); // PrivateAddressError
 */
export class AddressPolicy {
  /** Public addresses only. */
  static readonly strict = new AddressPolicy(false, [], new Set());
  /** Anything goes (a subscription's allowPrivateAddresses, or `all`). */
  static readonly unrestricted = new AddressPolicy(true, [], new Set());

  private constructor(
    private readonly allowAll: boolean,
    private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][],
    private readonly hosts: Set<string>,
  ) {}

  /** Parses OUTBOX_ALLOW_PRIVATE_TARGETS; throws naming the entry it cannot read. */
  static parse(value: string | undefined): AddressPolicy {
    const entries = (value ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (entries.length === 0) return AddressPolicy.strict;
    if (entries.some((entry) => entry.toLowerCase() === 'all')) return AddressPolicy.unrestricted;
    const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
    const hosts = new Set<string>();
    for (const entry of entries) {
      if (entry.toLowerCase() === 'loopback') {
        ranges.push(ipaddr.parseCIDR('127.0.0.0/8'), ipaddr.parseCIDR('::1/128'));
      } else if (entry.includes('/')) {
        if (!ipaddr.isValidCIDR(entry)) throw new Error(`"${entry}" is not a CIDR range (e.g. 10.1.0.0/16 or fd00::/8)`);
        ranges.push(ipaddr.parseCIDR(entry));
      } else if (ipaddr.isValid(entry)) {
        const address = ipaddr.process(entry);
        ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else if (/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(entry)) {
        hosts.add(normaliseHost(entry));
      } else {
        throw new Error(`"${entry}" is neither all, loopback, an IP address, a CIDR range nor a host name`);
      }
    }
    return new AddressPolicy(false, ranges, hosts);
  }

  /** True when every address is allowed, so no check is needed. */
  get allowsEverything(): boolean {
    return this.allowAll;
  }

  /**
   * Why connecting to `address` (reached through the name `host`) is refused, or undefined when
   * it is allowed. IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
   */
  refusal(host: string, address: string): PrivateAddressError | undefined {
    if (this.allowAll) return undefined;
    const bare = address.replace(/^\[|\]$/g, '');
    if (!ipaddr.isValid(bare)) return new PrivateAddressError(host, bare, 'unparseable');
    const parsed = embeddedIpv4(ipaddr.process(bare));
    const range = parsed.range();
    if (range === 'unicast') return undefined;
    if (this.hosts.has(normaliseHost(host))) return undefined;
    if (this.ranges.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits))) return undefined;
    // An IP literal is reported as the address it means (::ffff:a00:1 as 10.0.0.1).
    const shownHost = isIpLiteral(host) ? parsed.toString() : host;
    return new PrivateAddressError(shownHost, parsed.toString(), RANGE_NAMES[range] ?? `non-public (${range})`);
  }
}

/**
 * An IPv4-compatible IPv6 address (`::a.b.c.d`, written `::7f00:1` once a URL parser has
 * normalised it) is judged as the IPv4 address it carries: ipaddr.js calls `::7f00:1` unicast,
 * which would let `http://[::127.0.0.1]/` through. `::` and `::1` keep their own ranges.
 */
function embeddedIpv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() !== 'ipv6') return address;
  const parts = (address as ipaddr.IPv6).parts;
  if (parts.slice(0, 6).some((part) => part !== 0) || (parts[6] === 0 && (parts[7] ?? 0) <= 1)) return address;
  return ipaddr.fromByteArray([parts[6]! >> 8, parts[6]! & 0xff, parts[7]! >> 8, parts[7]! & 0xff]);
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** True when the URL's host is an IP literal rather than a name. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
}
