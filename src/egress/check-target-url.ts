import { AddressPolicy, isIpLiteral, type PrivateAddressError } from './address-policy.js';
import { systemResolver, type ResolveHost } from './guarded-agent.js';

/** How subscriptions' target URLs are checked when they are saved. */
export interface TargetUrlCheck {
  /** OUTBOX_ALLOW_PRIVATE_TARGETS of the saving process by default. */
  addressPolicy?: AddressPolicy;
  /** The system resolver by default; tests inject one. */
  resolve?: ResolveHost;
}

/**
 * Checks a target URL before it is saved: an IP literal must be allowed by the policy, and a
 * host name must not resolve to a refused address. A name that does not resolve (yet) is
 * accepted: every connection is checked again anyway (createGuardedAgent), which is also what
 * catches a DNS record changed after saving.
 *
 * @example
 * const refusal = await checkTargetUrl('http://169.254.169.254/latest', {}); // PrivateAddressError
 */
export async function checkTargetUrl(url: string, check: TargetUrlCheck): Promise<PrivateAddressError | undefined> {
  return checkTargetHost(new URL(url).hostname, check);
}

/**
 * Checks every place a target connects to (URLs, or Kafka's `host:port`) as checkTargetUrl
 * does; `env:NAME` values are skipped here (they are checked at connect time). Returns the first
 * refusal with the destination it concerns.
 *
 * @example
 * await checkTargetDestinations(['redis://10.0.0.5:6379'], {}); // { destination, refusal: PrivateAddressError }
 */
export async function checkTargetDestinations(
  destinations: string[],
  check: TargetUrlCheck,
): Promise<{ destination: string; refusal: PrivateAddressError } | undefined> {
  for (const destination of destinations.map((value) => value.trim())) {
    if (/^env:/.test(destination)) continue;
    const host = URL.canParse(destination) ? new URL(destination).hostname : destination.replace(/:\d+$/, '');
    const refusal = await checkTargetHost(host, check);
    if (refusal) return { destination, refusal };
  }
  return undefined;
}

async function checkTargetHost(rawHost: string, check: TargetUrlCheck): Promise<PrivateAddressError | undefined> {
  const policy = check.addressPolicy ?? AddressPolicy.parse(process.env.OUTBOX_ALLOW_PRIVATE_TARGETS);
  if (policy.allowsEverything) return undefined;
  const host = rawHost.replace(/^\[|\]$/g, '');
  if (isIpLiteral(host)) return policy.refusal(host, host);
  let addresses: { address: string }[];
  try {
    addresses = await (check.resolve ?? systemResolver)(host);
  } catch {
    return undefined;
  }
  for (const { address } of addresses) {
    const refusal = policy.refusal(host, address);
    if (refusal) return refusal;
  }
  return undefined;
}
