// The failure vocabulary of a delivery, shared by activities and workflows: plain data and pure
// functions, no imports, so the workflow bundle can use it at run time.

/** ApplicationFailure types, visible in the Temporal UI and usable in `nonRetryableErrorTypes`. */
export const DeliveryFailureType = {
  /** The target may accept it later (5xx, 408, 429, timeouts, connection errors). */
  retryable: 'DeliveryFailed',
  /** The target refused it for good (other 4xx, redirects). */
  rejected: 'DeliveryRejected',
  /** The subscription was removed or disabled after the event was routed. */
  subscriptionGone: 'SubscriptionGone',
  /** The event row no longer exists (deleted behind the engine's back). */
  eventGone: 'EventGone',
  /** The event's payload is above outbox.settings' limit (written around outbox.enqueue): not loaded. */
  payloadTooLarge: 'PayloadTooLarge',
  /** The subscription's stored target settings are unusable (edited by hand, or a newer kind). */
  misconfigured: 'SubscriptionMisconfigured',
  /** The endpoint's circuit breaker is open: failed fast, without a network call. */
  circuitOpen: 'CircuitOpen',
  /** The engine disabled the subscription: its endpoint answered 410 Gone or failed for too long. */
  subscriptionDisabled: 'SubscriptionDisabled',
  /** The target resolved to a loopback/private/link-local address, refused before connecting. */
  privateAddress: 'PrivateAddressRefused',
  /** The endpoint's rate limit or in-flight cap kept the attempt waiting too long; not sent. */
  throttled: 'Throttled',
  /** The egress proxy (OUTBOX_EGRESS_PROXY) failed, not the endpoint: retried, and never counted against the endpoint's breaker. */
  proxyFailed: 'EgressProxyFailed',
  /** The payload breaks its event type's schema in the catalog: never sent. */
  schemaViolation: 'SchemaViolation',
} as const;

/** One of {@link DeliveryFailureType}'s values. */
export type DeliveryFailureTypeName = (typeof DeliveryFailureType)[keyof typeof DeliveryFailureType];

/** The types a later attempt may cure; every other type is final (dead-lettered at once). */
const RETRIED_TYPES: ReadonlySet<string> = new Set([
  DeliveryFailureType.retryable,
  DeliveryFailureType.circuitOpen,
  DeliveryFailureType.throttled,
  DeliveryFailureType.proxyFailed,
]);

/**
 * Whether a failure of this type is retried: the one table that decides it.
 *
 * @example
 * isRetriedFailureType(DeliveryFailureType.throttled); // true
 * isRetriedFailureType(DeliveryFailureType.rejected); // false
 */
export function isRetriedFailureType(type: string): boolean {
  return RETRIED_TYPES.has(type);
}

/** Details attached to every delivery ApplicationFailure, read back by the workflow. */
export interface DeliveryFailureDetails {
  attempt: number;
  statusCode: number | null;
  /** When the next attempt may go (ms), for a workflow scheduling it itself (the local first attempt). */
  retryDelayMs?: number;
}

/**
 * Whether a failed attempt made outside Temporal's retry policy (the fast first attempt, a local
 * activity with one try) gets another one: what Temporal's policy would decide for it.
 *
 * @example
 * isRetriedByPolicy({ nonRetryable: false, type: 'DeliveryFailed' }, { maximumAttempts: 10, nonRetryableErrorTypes: [] }); // true
 */
export function isRetriedByPolicy(
  failure: { nonRetryable?: boolean | null | undefined; type?: string | null | undefined },
  policy: { maximumAttempts: number; nonRetryableErrorTypes: readonly string[] },
): boolean {
  if (failure.nonRetryable === true || policy.maximumAttempts <= 1) return false;
  return !policy.nonRetryableErrorTypes.includes(failure.type ?? '');
}
