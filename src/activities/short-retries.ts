// Retries with a short backoff made inside the first pass, as the SDK's `localRetryThreshold`
// does for local activities: a network blip then costs the event no timer, no regular activity
// and no upsert in its history (on Temporal Cloud: no Actions). Longer backoffs stay durable
// timers in the workflow, which survive a worker restart.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApplicationFailure } from '@temporalio/common';
import { isRetriedByPolicy, type DeliveryFailureDetails } from '../failures/failure-types.js';
import type { DeliveryRoute } from '../routing/delivery-route.js';

/** Longest backoff retried in the pass; a longer one is left to a durable timer. */
export const SHORT_RETRY_MAX_DELAY_MS = 2_000;
/**
 * Total wait a route may spend on short retries in one pass. Kept well under the 8 s after which
 * a workflow task whose local activity still runs is heartbeated (a task, and an Action, more).
 */
export const SHORT_RETRY_BUDGET_MS = 4_000;

/**
 * One route's short retries in one pass: whether a failed attempt gets another one here, and the
 * wait before it. The decision is the route's policy's (what is retried lives in failure-types.ts);
 * this only chooses where the retry happens.
 *
 * @example
 * const retries = new ShortRetries(route.retryPolicy);
 * if (await retries.waitBeforeNext(failure, attempt)) attempt += 1; // else hand the failure to the workflow
 */
export class ShortRetries {
  private waitedMs = 0;

  constructor(private readonly policy: Pick<DeliveryRoute['retryPolicy'], 'maximumAttempts' | 'nonRetryableErrorTypes'>) {}

  /** Waits and resolves true when attempt `attempt + 1` should be made here; false to hand over. */
  async waitBeforeNext(failure: ApplicationFailure, attempt: number): Promise<boolean> {
    if (!isRetriedByPolicy(failure, this.policy) || attempt + 1 > this.policy.maximumAttempts) return false;
    const delay = (failure.details?.[0] as DeliveryFailureDetails | undefined)?.retryDelayMs;
    if (delay === undefined || delay > SHORT_RETRY_MAX_DELAY_MS || this.waitedMs + delay > SHORT_RETRY_BUDGET_MS) return false;
    this.waitedMs += delay;
    await sleep(delay);
    return true;
  }
}
