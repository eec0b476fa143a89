import { DeliveryFailureType, isRetriedFailureType } from './failure-types.js';

/** Upper bound on a target's Retry-After, so one header cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** What a failed attempt knows besides its message. */
export interface DeliveryErrorOptions {
  /** What went wrong ({@link DeliveryFailureType}); it alone decides whether it is retried. Default: retryable. */
  type?: string;
  statusCode?: number | undefined;
  /** When the next attempt may go: the target's Retry-After, or the pass's schedule. */
  retryAfterMs?: number | undefined;
}

/**
 * A delivery attempt failed. Whether Temporal may try again follows from its type.
 *
 * @example
 * throw new DeliveryError('target answered HTTP 503', { statusCode: 503, retryAfterMs: 2_000 });
 * throw new DeliveryError('target rejected the event with HTTP 400', { type: DeliveryFailureType.rejected, statusCode: 400 });
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly failureType: string;
  readonly retryable: boolean;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: DeliveryErrorOptions = {}) {
    super(message);
    this.failureType = options.type ?? DeliveryFailureType.retryable;
    this.retryable = isRetriedFailureType(this.failureType);
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** The same failure, waiting `retryAfterMs` before the next attempt. */
  withRetryAfter(retryAfterMs: number): DeliveryError {
    return new DeliveryError(this.message, { type: this.failureType, statusCode: this.statusCode, retryAfterMs });
  }
}

/** A configured value refers to an environment variable the worker does not have (or may not read). */
export class MissingSecretError extends Error {
  override readonly name = 'MissingSecretError';
}

/**
 * Parses a Retry-After header: delay in seconds or an HTTP date, capped at MAX_RETRY_AFTER_MS.
 *
 * @example
 * parseRetryAfter('120'); // 120000
 */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(date - now, 0), MAX_RETRY_AFTER_MS);
}
