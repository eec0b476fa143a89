/**
 * The failures room: what can go wrong with a delivery and what is done about it. This file is
 * the classifier, the only code that turns an answer or an error into a retried or a final
 * failure; failure-types.ts is the vocabulary (workflow-safe), delivery-error.ts the error that
 * target kinds throw, retry-delay.ts when the next attempt comes. It may import egress/ (its
 * errors) and nothing else of the engine: targets, activities and workflows all import it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { PRIVATE_ADDRESS_CODE, PrivateAddressError } from '../egress/address-policy.js';
import { DeliveryError, MissingSecretError, parseRetryAfter } from './delivery-error.js';
import { DeliveryFailureType, isRetriedFailureType, type DeliveryFailureDetails } from './failure-types.js';

/**
 * Classifies an HTTP answer: undefined for 2xx (delivered), otherwise the DeliveryError to throw.
 * 408, 429 and 5xx are retried (honouring Retry-After); every other status is final.
 *
 * @example
 * classifyHttpStatus(503, '5', '')?.retryable; // true, retryAfterMs 5000
 */
export function classifyHttpStatus(statusCode: number, retryAfter: string | undefined, bodySnippet: string, redirectTo?: string): DeliveryError | undefined {
  if (statusCode >= 200 && statusCode < 300) return undefined;
  const detail = bodySnippet ? `: ${bodySnippet}` : '';
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
    return new DeliveryError(`target answered HTTP ${statusCode}${detail}`, { statusCode, retryAfterMs: parseRetryAfter(retryAfter) });
  }
  const rejected = { type: DeliveryFailureType.rejected, statusCode };
  if (statusCode >= 300 && statusCode < 400) {
    return new DeliveryError(
      `target answered HTTP ${statusCode}${redirectTo ? ` redirecting to ${redirectTo}` : ''}; redirects are not followed (so none can lead to an internal address): point the subscription at the final URL`,
      rejected,
    );
  }
  return new DeliveryError(`target rejected the event with HTTP ${statusCode}${detail}; it will not be retried`, rejected);
}

/**
 * Transport-level failures (refused, reset, DNS, timeout) are always worth retrying; a secret
 * the worker cannot resolve, or a private address, is a configuration error and is not.
 *
 * @example
 * classifyTransportError(new Error('connect ECONNREFUSED')).retryable; // true
 */
export function classifyTransportError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof MissingSecretError) return new DeliveryError(error.message, { type: DeliveryFailureType.misconfigured });
  // Retrying cannot help until an operator allows the address or fixes the DNS record.
  const refused = refusedAddress(error);
  if (refused) return new DeliveryError(refused, { type: DeliveryFailureType.privateAddress });
  // The proxy failed, not the endpoint: retried, but no mark against the endpoint (countsAgainstEndpoint).
  const proxy = [error, (error as { cause?: unknown }).cause].find((candidate) => (candidate as { code?: string } | undefined)?.code === 'OUTBOX_EGRESS_PROXY');
  if (proxy) return new DeliveryError((proxy as Error).message, { type: DeliveryFailureType.proxyFailed });
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') {
    return new DeliveryError('target did not answer before the timeout');
  }
  const code = err.code ?? err.cause?.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  return new DeliveryError(`could not reach target: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`);
}

/**
 * The message of a refused address anywhere in the error's cause chain: a PrivateAddressError,
 * or an error a client rewrapped keeping its code (kafkajs keeps only the message and code).
 */
function refusedAddress(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    if (current instanceof PrivateAddressError) return current.message;
    if ((current as { code?: unknown }).code === PRIVATE_ADDRESS_CODE) return (current as Error).message;
  }
  return undefined;
}

/**
 * Whether a failure says the endpoint is unhealthy, for its circuit breaker: connection errors,
 * timeouts and 5xx do; a 429 (alive, throttling), a refusal (4xx: it answered) or our own
 * configuration errors do not.
 */
export function countsAgainstEndpoint(error: DeliveryError): boolean {
  return error.failureType === DeliveryFailureType.retryable && error.statusCode !== 429;
}

/**
 * Turns a DeliveryError into the ApplicationFailure the activity throws.
 *
 * @example
 * throw toApplicationFailure(classifyTransportError(error), attempt);
 */
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

/**
 * The ApplicationFailure for a delivery that cannot start (its event or subscription is gone or
 * unusable), retried or not by its type like every other failure.
 *
 * @example
 * throw deliveryFailure(DeliveryFailureType.eventGone, `event ${id} no longer exists in outbox.events`);
 */
export function deliveryFailure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: !isRetriedFailureType(type) });
}
