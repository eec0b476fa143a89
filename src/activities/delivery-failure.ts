import { ApplicationFailure } from '@temporalio/common';
import { PrivateAddressError } from '../egress/address-policy.js';
import { MissingSecretError } from '../subscriptions/secret-reference.js';

// The one place that decides whether a failed delivery is retried. Target senders throw
// DeliveryError (or let transport errors escape); the deliver activity turns the result into a
// Temporal ApplicationFailure with toApplicationFailure below.

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
  /** The payload breaks its event type's schema in the catalog: never sent. */
  schemaViolation: 'SchemaViolation',
} as const;

/** Upper bound on a target's Retry-After, so one header cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** A delivery attempt failed; `retryable` says whether Temporal may try again. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly statusCode?: number,
    readonly retryAfterMs?: number,
    readonly failureType: string = retryable ? DeliveryFailureType.retryable : DeliveryFailureType.rejected,
  ) {
    super(message);
  }
}

/** Parses a Retry-After header: delay in seconds or an HTTP date. */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(date - now, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Classifies an HTTP answer: undefined for 2xx (delivered), otherwise the DeliveryError to throw.
 * 408, 429 and 5xx are retried (honouring Retry-After); every other status is final.
 */
export function classifyHttpStatus(statusCode: number, retryAfter: string | undefined, bodySnippet: string, redirectTo?: string): DeliveryError | undefined {
  if (statusCode >= 200 && statusCode < 300) return undefined;
  const detail = bodySnippet ? `: ${bodySnippet}` : '';
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
    return new DeliveryError(`target answered HTTP ${statusCode}${detail}`, true, statusCode, parseRetryAfter(retryAfter));
  }
  if (statusCode >= 300 && statusCode < 400) {
    return new DeliveryError(
      `target answered HTTP ${statusCode}${redirectTo ? ` redirecting to ${redirectTo}` : ''}; redirects are not followed (so none can lead to an internal address): point the subscription at the final URL`,
      false,
      statusCode,
    );
  }
  return new DeliveryError(`target rejected the event with HTTP ${statusCode}${detail}; it will not be retried`, false, statusCode);
}

/**
 * Transport-level failures (refused, reset, DNS, timeout) are always worth retrying; a secret
 * the worker cannot resolve is a configuration error and is not.
 */
export function classifyTransportError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof MissingSecretError) return new DeliveryError(error.message, false, undefined, undefined, DeliveryFailureType.misconfigured);
  // Retrying cannot help until an operator allows the address or fixes the DNS record.
  const cause = (error as { cause?: unknown }).cause;
  if (error instanceof PrivateAddressError || cause instanceof PrivateAddressError) {
    return new DeliveryError(
      (error instanceof PrivateAddressError ? error : (cause as PrivateAddressError)).message,
      false,
      undefined,
      undefined,
      DeliveryFailureType.privateAddress,
    );
  }
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') {
    return new DeliveryError('target did not answer before the timeout', true);
  }
  const code = err.code ?? err.cause?.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  return new DeliveryError(`could not reach target: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`, true);
}

/**
 * Whether a failure says the endpoint is unhealthy, for its circuit breaker: connection errors,
 * timeouts and 5xx do; a 429 (alive, throttling), a refusal (4xx: it answered) or our own
 * configuration errors do not.
 */
export function countsAgainstEndpoint(error: DeliveryError): boolean {
  return error.retryable && error.failureType === DeliveryFailureType.retryable && error.statusCode !== 429;
}

/** Details attached to every delivery ApplicationFailure, read back by the workflow. */
export interface DeliveryFailureDetails {
  attempt: number;
  statusCode: number | null;
  /** When the next attempt may go (ms), for a workflow scheduling it itself (the local first attempt). */
  retryDelayMs?: number;
}

/** Turns a DeliveryError into the ApplicationFailure the activity throws. */
export function toApplicationFailure(error: DeliveryError, attempt: number): ApplicationFailure {
  const details: DeliveryFailureDetails = {
    attempt,
    statusCode: error.statusCode ?? null,
    ...(error.retryable && error.retryAfterMs !== undefined && { retryDelayMs: error.retryAfterMs }),
  };
  return ApplicationFailure.create({
    message: error.message,
    type: error.failureType,
    nonRetryable: !error.retryable,
    details: [details],
    nextRetryDelay: error.retryable && error.retryAfterMs !== undefined ? error.retryAfterMs : undefined,
  });
}
