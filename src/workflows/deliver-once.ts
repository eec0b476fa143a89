// One delivery pass of one route: the fast first attempt (or the first pass's answer for it),
// then the regular deliver activity under the route's retry policy. Workflow code.
import { ActivityFailure, ApplicationFailure, patched, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import { isRetriedByPolicy, type DeliveryFailureDetails } from '../failures/failure-types.js';
import type { FirstAttempt } from '../activities/first-pass.js';
import { retryTimingOf } from '../failures/retry-delay.js';
import { bookkeeping, type Activities } from './bookkeeping.js';
import type { DeliverEventInput, DeliveryRoute } from './definitions.js';

/** Margin on top of the target's own timeout for the activity's database reads and writes. */
const ACTIVITY_OVERHEAD_MS = 10_000;
/** What a flow-controlled attempt may spend waiting inside the activity (lease, then send slot). */
const FLOW_CONTROL_WAIT_MS = 2 * 30_000;

/** How a pass is made, besides its route. */
export interface PassOptions {
  /** Asked for by an operator (retry, replay): through an open breaker once, regular activity only. */
  operatorPass?: boolean;
  /** A saga step or compensation. */
  sagaStep?: { saga: string; step: string; compensation: boolean };
  /** What the first pass did with attempt 1 when it did not deliver it (failed or deferred). */
  firstAttempt?: Exclude<FirstAttempt, { delivered: unknown }> | undefined;
  /** Called when the pass goes on durably (a timer, the regular activity): its fast first attempt failed or could not be made. */
  onDurable?: () => void;
}

/**
 * One delivery pass: the deliver activity under the route's retry policy (for a saga step or
 * compensation when `sagaStep` is given).
 *
 * @example
 * const result = await deliverOnce(input, route, workflowId, { operatorPass: status.passes > 1 });
 */
export async function deliverOnce(input: DeliverEventInput, route: DeliveryRoute, workflowId: string, options: PassOptions = {}) {
  const { sagaStep, firstAttempt } = options;
  const operatorPass = options.operatorPass === true;
  const policy = route.retryPolicy;
  const limits = route.flowControl;
  if (limits?.ratePerSecond !== undefined) {
    // Wait for this delivery's turn on a durable timer: no attempt used, no worker slot held.
    const { waitMs } = await bookkeeping.reserveDeliverySlot({
      eventId: input.eventId,
      subscriptionId: route.subscriptionId,
      ratePerSecond: limits.ratePerSecond,
      ...(limits.burst !== undefined && { burst: limits.burst }),
    });
    if (waitMs > 0) await sleep(waitMs);
  }
  const common = {
    eventId: input.eventId,
    subscriptionId: route.subscriptionId,
    workflowId,
    ...(operatorPass && { operatorPass }),
    ...(sagaStep && { sagaStep }),
    ...(limits && { flowControl: limits }),
    backoff: retryTimingOf(policy),
  };
  let attemptOffset = 0;
  // Fast path: the first attempt runs as a local activity, inside the workflow task that routed
  // the event, so an event delivered at once costs the server one workflow task instead of two
  // workflow tasks and an activity task. Only a retryable failure falls back to the regular
  // activity, whose attempts go on from 2 under the subscription's policy. Passes with flow
  // control or a deadline, and operator passes, keep the regular activity throughout.
  // The first pass may have made that first attempt already: its failure is handled alike. One
  // it deferred (a slow endpoint) goes as a regular activity, holding no workflow task while it
  // waits. Workflows started for the first pass are all newer than this path: no patch marker.
  // Lean workflows (input.leanHistory) make an operator's pass the same way: the first attempt in
  // the workflow task that took the signal (it still goes through an open breaker once).
  // The first pass may also have retried short backoffs itself: attempts go on after its last
  // one, and a pass it exhausted is dead-lettered with no activity at all.
  const failedFirst = firstAttempt && 'failed' in firstAttempt ? firstAttempt : undefined;
  const deferred = firstAttempt !== undefined && 'deferred' in firstAttempt;
  const lean = input.leanHistory === true;
  if (
    !deferred &&
    !limits &&
    policy.deadlineMs === undefined &&
    (!operatorPass || lean) &&
    (failedFirst || input.firstPass === true || lean || patched('local-first-attempt'))
  ) {
    const { deliver: deliverLocally } = proxyLocalActivities<Activities>({
      startToCloseTimeout: route.timeoutMs + ACTIVITY_OVERHEAD_MS,
      retry: { maximumAttempts: 1 },
    });
    try {
      if (failedFirst) throw firstAttemptFailure(failedFirst);
      return await deliverLocally(common);
    } catch (error) {
      // A local activity's failure can arrive unwrapped (the ApplicationFailure itself).
      const failure =
        error instanceof ApplicationFailure ? error : error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
      if (!failure || !isRetriedByPolicy(failure, policy)) throw error;
      const details = failure.details?.[0] as DeliveryFailureDetails | undefined;
      const made = Math.max(1, details?.attempt ?? 1);
      if (made >= policy.maximumAttempts) throw error;
      options.onDurable?.();
      // Wait as the policy says before the next attempt (the activity computed it, with jitter or Retry-After).
      await sleep(details?.retryDelayMs ?? policy.initialIntervalMs);
      attemptOffset = made;
    }
  }
  if (attemptOffset === 0) options.onDurable?.();
  const { deliver } = proxyActivities<Activities>({
    startToCloseTimeout: route.timeoutMs + ACTIVITY_OVERHEAD_MS + (limits ? FLOW_CONTROL_WAIT_MS : 0),
    ...(policy.deadlineMs !== undefined && { scheduleToCloseTimeout: policy.deadlineMs }),
    retry: {
      initialInterval: policy.initialIntervalMs,
      backoffCoefficient: policy.backoffCoefficient,
      maximumInterval: policy.maximumIntervalMs,
      maximumAttempts: policy.maximumAttempts - attemptOffset,
      nonRetryableErrorTypes: policy.nonRetryableErrorTypes,
    },
  });
  return deliver({ ...common, ...(attemptOffset > 0 && { attemptOffset }) });
}

/** A failed first attempt, as the failure the local deliver activity would have thrown. */
export function firstAttemptFailure(attempt: Extract<FirstAttempt, { failed: unknown }>): ApplicationFailure {
  const { message, type, nonRetryable, details } = attempt.failed;
  return ApplicationFailure.create({ message, type, nonRetryable, details: details ? [details] : [] });
}
