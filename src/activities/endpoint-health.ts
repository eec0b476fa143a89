import type { Kysely } from 'kysely';
import { formatDuration } from '../durations/duration.js';
import type { Database } from '../db/database.js';
import type { Admission, CircuitBreakers } from './circuit-breaker.js';
import { countsAgainstEndpoint } from '../failures/classify-failure.js';
import { DeliveryError } from '../failures/delivery-error.js';
import { DeliveryFailureType } from '../failures/failure-types.js';
import { disableSubscription } from './disable-subscription.js';

/** Who an attempt was for, and where it went: what its endpoint's health is recorded against. */
export interface AttemptTarget {
  subscription: { id: string; name: string };
  endpoint: string;
  breakerKey: string;
  /** The tenant and type of the event, for the operational events a change of health emits. */
  about: { tenant: string; eventType: string };
}

/**
 * The failure of an attempt the open breaker stopped before any network call: retried after
 * the probe, at a point spread over the cooldown after it (see CircuitBreakers.admit), never
 * sooner than the policy's own backoff (an open breaker must not use up attempts faster).
 */
export function circuitOpenFailure(admission: Extract<Admission, { verdict: 'fail-fast' }>, endpoint: string, backoffMs: number): DeliveryError {
  return new DeliveryError(
    `circuit open for ${endpoint}: ${admission.failures} consecutive failures (last: ${admission.lastError ?? 'unknown'}); not attempted, next probe in ${Math.ceil(admission.probeInMs / 1000)}s`,
    { type: DeliveryFailureType.circuitOpen, retryAfterMs: Math.max(admission.retryInMs, backoffMs) },
  );
}

/**
 * After an answer (or none), what it says about the endpoint: 410 Gone disables the
 * subscription at once; a failure that counts against the endpoint feeds its breaker and, past
 * OUTBOX_ENDPOINT_DISABLE_AFTER, disables it; an answer (2xx, or a refusal other than 429)
 * closes the breaker. Returns the failure the attempt ends with (a disable replaces it).
 *
 * @example
 * failure = await recordEndpointHealth({ db, breakers }, target, admission, failure);
 */
export async function recordEndpointHealth(
  deps: { db: Kysely<Database>; breakers: CircuitBreakers },
  target: AttemptTarget,
  admission: Extract<Admission, { verdict: 'send' }>,
  failure: DeliveryError | undefined,
): Promise<DeliveryError | undefined> {
  const { subscription, endpoint, breakerKey, about } = target;
  if (failure?.statusCode === 410) {
    // Gone: the endpoint says it will never take deliveries again; stop sending at once.
    return disableSubscription(deps.db, subscription, `endpoint ${endpoint} answered 410 Gone`, failure, about);
  }
  if (failure && countsAgainstEndpoint(failure)) {
    const streak = await deps.breakers.recordFailure(breakerKey, failure.message, admission.probe, subscription.id);
    const limit = deps.breakers.settings.disableAfterMs;
    if (limit > 0 && streak.failingForMs >= limit) {
      const reason = `endpoint ${endpoint} failing for ${formatDuration(streak.failingForMs)} (${streak.failures} consecutive failures; last: ${failure.message})`;
      return disableSubscription(deps.db, subscription, reason, failure, about);
    }
    return failure;
  }
  if (!failure || (failure.statusCode !== undefined && failure.statusCode !== 429)) {
    // It answered (2xx, or a refusal): the endpoint is reachable.
    await deps.breakers.recordSuccess(breakerKey, admission, { ...about, subscription: subscription.name, endpoint });
  }
  return failure;
}
