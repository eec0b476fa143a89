// One route of a deliverEvent workflow: deliver, and on failure act by the route's role (dead
// letter and wait for an operator, or give up quietly when the route was not needed).
import { ActivityFailure, ApplicationFailure, condition, patched, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities/create-activities.js';
import type { DeliverEventInput, DeliveryRoute, RouteStatus } from './definitions.js';
import { summariseFailure } from './failure-summary.js';
import type { DeliveryFailureDetails } from '../activities/delivery-failure.js';
import { retryTimingOf } from '../activities/retry-delay.js';
import { failTaskOnWrongInstallation, isWrongInstallation } from './wrong-installation.js';
import type { FirstAttempt } from '../activities/first-pass.js';
import { firstAttemptFailure } from './first-pass-step.js';

type Activities = ReturnType<typeof createActivities>;

/**
 * Bookkeeping against PostgreSQL, as local activities (short statements, no extra round trip
 * through the server), retried until the database answers: giving up would leave the outbox's
 * record of the event wrong. Each statement is idempotent, so a re-run after a crash is harmless.
 */
const localBookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});
/** The same, with the worker's installation check turned into a failed workflow task. */
export const bookkeeping = new Proxy(localBookkeeping, {
  get: (target, name: keyof Activities) => {
    const call = target[name] as (...args: unknown[]) => Promise<unknown>;
    return (...args: unknown[]) => call(...args).catch(failTaskOnWrongInstallation);
  },
}) as Activities;

/** Margin on top of the target's own timeout for the activity's database reads and writes. */
const ACTIVITY_OVERHEAD_MS = 10_000;
/** What a flow-controlled attempt may spend waiting inside the activity (lease, then send slot). */
const FLOW_CONTROL_WAIT_MS = 2 * 30_000;

/** A route and what the workflow is doing with it. */
export interface RouteRun {
  status: RouteStatus;
  /** Undefined while no subscription of this name exists (a missing explicit target). */
  route: DeliveryRoute | undefined;
  running: boolean;
  /** An operator's answer to a dead letter, set by a signal handler. */
  command?: { kind: 'retry' } | { kind: 'discard'; reason: string };
  /** A replay that arrived while this route was being delivered: deliver once more after. */
  replayAfter: boolean;
  /** An `any_of` route that failed and waits to see whether another one succeeds. */
  awaitingSiblings: boolean;
  /** The first pass's failed first attempt: the route's first delivery pass goes on from attempt 2. */
  firstAttempt?: Extract<FirstAttempt, { failed: unknown }>;
}

export interface RouteContext {
  input: DeliverEventInput;
  workflowId: string;
  holdMs: number;
  syncStatus: () => Promise<void>;
  /** The event's other `any_of` routes. */
  anyOfSiblings: () => RouteRun[];
}

export interface Failure {
  message: string;
  attempts: number;
  statusCode: number | null;
  fromLog?: boolean;
}

/** One route until it is delivered, failed, discarded or expired (and any replay asked meanwhile is done). */
export async function deliverRoute(run: RouteRun, context: RouteContext): Promise<void> {
  const status = run.status;
  for (;;) {
    status.state = 'delivering';
    status.attempts = 0;
    const failure = await attempt(run, context);
    if (failure) {
      const outcome = await afterFailure(run, context, failure);
      if (outcome === 'retry') {
        status.passes += 1;
        continue;
      }
    }
    if (!run.replayAfter) {
      await context.syncStatus();
      return;
    }
    run.replayAfter = false;
    status.passes += 1;
  }
}

/** One delivery pass; resolves with the failure, or undefined when delivered. */
async function attempt(run: RouteRun, context: RouteContext): Promise<Failure | undefined> {
  const status = run.status;
  if (!run.route) {
    return { message: `no subscription named "${status.subscriptionName}" for tenant ${context.input.tenant}`, attempts: 0, statusCode: null };
  }
  void context.syncStatus();
  try {
    // Every pass after the first was asked for by an operator (retry, replay).
    const firstAttempt = run.firstAttempt;
    run.firstAttempt = undefined;
    const result = await deliverOnce(context.input, run.route, context.workflowId, status.passes > 1, undefined, firstAttempt);
    Object.assign(status, { state: 'delivered', attempts: result.attempt, lastStatusCode: result.statusCode });
    delete status.lastError;
    return undefined;
  } catch (error) {
    if (!(error instanceof ActivityFailure) && !(error instanceof ApplicationFailure)) throw error;
    if (isWrongInstallation(error)) failTaskOnWrongInstallation(error);
    const summary = summariseFailure(error);
    return {
      message: summary.message,
      attempts: summary.attempts ?? run.route.retryPolicy.maximumAttempts,
      statusCode: summary.statusCode,
      fromLog: summary.completeFromDeliveryLog,
    };
  }
}

/**
 * A failed pass, by role: best effort gives up quietly; `any_of` waits for its siblings and gives
 * up quietly if one succeeded; otherwise the failure is dead-lettered and waits for `retry`,
 * `discard`, the hold to expire, or (any_of) a sibling's success.
 */
async function afterFailure(run: RouteRun, context: RouteContext, failure: Failure): Promise<'retry' | 'done'> {
  const status = run.status;
  const giveUpQuietly = () => Object.assign(status, { state: 'failed', attempts: failure.attempts, lastError: failure.message, lastStatusCode: failure.statusCode });
  const siblingDelivered = () => context.anyOfSiblings().some((sibling) => sibling.status.state === 'delivered');
  if (status.role === 'best_effort') {
    giveUpQuietly();
    return 'done';
  }
  if (status.role === 'any_of') {
    run.awaitingSiblings = true;
    await condition(() => siblingDelivered() || context.anyOfSiblings().every((sibling) => sibling.status.state !== 'delivering' || sibling.awaitingSiblings));
    run.awaitingSiblings = false;
    if (siblingDelivered()) {
      giveUpQuietly();
      return 'done';
    }
  }

  const recorded = await bookkeeping.recordDeadLetter({
    eventId: context.input.eventId,
    subscriptionId: run.route?.subscriptionId ?? null,
    subscriptionName: status.subscriptionName,
    tenant: context.input.tenant,
    attempts: failure.attempts,
    lastError: failure.message,
    lastStatusCode: failure.statusCode,
    workflowId: context.workflowId,
    completeFromDeliveryLog: failure.fromLog,
  });
  Object.assign(status, { state: 'dead_lettered', deadLetterId: recorded.id, attempts: recorded.attempts, lastError: recorded.lastError, lastStatusCode: recorded.lastStatusCode });
  await context.syncStatus();
  const superseded = () => status.role === 'any_of' && siblingDelivered();
  const answered = await condition(() => run.command !== undefined || superseded(), context.holdMs);
  const command = run.command;
  run.command = undefined;
  if (superseded() && !command) {
    await bookkeeping.resolveDeadLetter({ deadLetterId: recorded.id, resolution: 'superseded', reason: 'another delivery of this event succeeded (fan-out any)' });
    status.state = 'failed';
  } else if (!answered || !command) {
    await bookkeeping.resolveDeadLetter({ deadLetterId: recorded.id, resolution: 'expired', reason: 'no operator action within the dead-letter hold' });
    status.state = 'expired';
  } else if (command.kind === 'discard') {
    await bookkeeping.resolveDeadLetter({ deadLetterId: recorded.id, resolution: 'discarded', reason: command.reason });
    Object.assign(status, { state: 'discarded', discardReason: command.reason });
  } else {
    await bookkeeping.resolveDeadLetter({ deadLetterId: recorded.id, resolution: 'retried' });
    // A fresh pass under the subscription's policy as it is now.
    run.route = await bookkeeping.routeFor({ eventId: context.input.eventId, subscriptionName: status.subscriptionName });
    return 'retry';
  }
  return 'done';
}

/**
 * One delivery pass: the deliver activity under the route's retry policy (for a saga step or
 * compensation when `sagaStep` is given).
 */
export async function deliverOnce(
  input: DeliverEventInput,
  route: DeliveryRoute,
  workflowId: string,
  operatorPass: boolean,
  sagaStep?: { saga: string; step: string; compensation: boolean },
  firstAttempt?: Extract<FirstAttempt, { failed: unknown }>,
) {
  const policy = route.retryPolicy;
  const limits = route.flowControl;
  if (limits?.ratePerSecond !== undefined) {
    // Wait for this delivery's turn on a durable timer: no attempt used, no worker slot held.
    const { waitMs } = await bookkeeping.reserveDeliverySlot({
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
  // The first pass may have made that first attempt already: its failure is handled alike.
  // Workflows started for the first pass are all newer than this path: no patch marker needed.
  if (!limits && policy.deadlineMs === undefined && !operatorPass && (firstAttempt || input.firstPass === true || patched('local-first-attempt'))) {
    const { deliver: deliverLocally } = proxyLocalActivities<Activities>({
      startToCloseTimeout: route.timeoutMs + ACTIVITY_OVERHEAD_MS,
      retry: { maximumAttempts: 1 },
    });
    try {
      if (firstAttempt) throw firstAttemptFailure(firstAttempt);
      return await deliverLocally(common);
    } catch (error) {
      // A local activity's failure can arrive unwrapped (the ApplicationFailure itself).
      const failure = error instanceof ApplicationFailure ? error : error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
      if (!failure || failure.nonRetryable || policy.maximumAttempts <= 1 || policy.nonRetryableErrorTypes.includes(failure.type ?? '')) throw error;
      // Wait as the policy says before attempt 2 (the activity computed it, with jitter or Retry-After).
      const details = failure.details?.[0] as DeliveryFailureDetails | undefined;
      await sleep(details?.retryDelayMs ?? policy.initialIntervalMs);
      attemptOffset = 1;
    }
  }
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
