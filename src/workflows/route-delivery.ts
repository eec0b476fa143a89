// One route of a deliverEvent workflow: deliver, and on failure act by the route's role (dead
// letter and wait for an operator, or give up quietly when the route was not needed).
import { condition } from '@temporalio/workflow';
import type { DeliverEventInput, DeliveryRoute, RouteStatus } from './definitions.js';
import type { FirstAttempt } from '../activities/first-pass.js';
import { deadLetter, missingSubscription, resolveDeadLetter, runPass, type Failure, type OperatorAnswer } from './dead-letter-protocol.js';
import { deliverOnce } from './deliver-once.js';

export type { Failure } from './dead-letter-protocol.js';

/** A route and what the workflow is doing with it. */
export interface RouteRun {
  status: RouteStatus;
  /** Undefined while no subscription of this name exists (a missing explicit target). */
  route: DeliveryRoute | undefined;
  running: boolean;
  /** An operator's answer to a dead letter, set by a signal handler. */
  command?: OperatorAnswer;
  /** A replay that arrived while this route was being delivered: deliver once more after. */
  replayAfter: boolean;
  /** An `any_of` route that failed and waits to see whether another one succeeds. */
  awaitingSiblings: boolean;
  /**
   * What the first pass did with the route's first attempt, when it did not deliver it: failed
   * (the pass goes on from attempt 2) or deferred (the endpoint was slow: attempt 1 goes as a
   * regular activity).
   */
  firstAttempt?: Exclude<FirstAttempt, { delivered: unknown }>;
  /** While dead-lettered: the end of the hold (ms since the epoch, workflow time). */
  holdUntil?: number;
  /** Waiting for something outside the workflow (an operator, its ordered turn): may continue as new. */
  parked?: 'dead_letter' | 'turn';
  /** The current pass goes on durably (timers, the regular activity): its fast first attempt failed. */
  retrying?: boolean;
}

export interface RouteContext {
  input: DeliverEventInput;
  workflowId: string;
  holdMs: number;
  syncStatus: () => Promise<void>;
  /** The event's other `any_of` routes. */
  anyOfSiblings: () => RouteRun[];
}

/** One route until it is delivered, failed, discarded or expired (and any replay asked meanwhile is done). */
export async function deliverRoute(run: RouteRun, context: RouteContext): Promise<void> {
  const status = run.status;
  // A dead letter carried over from the previous run (continue-as-new) goes on waiting.
  let carriedDeadLetter = status.state === 'dead_lettered' && run.holdUntil !== undefined;
  for (;;) {
    let outcome: 'retry' | 'done' | undefined;
    if (carriedDeadLetter) {
      carriedDeadLetter = false;
      outcome = await awaitOperator(run, context);
    } else {
      status.state = 'delivering';
      status.attempts = 0;
      const failure = await attempt(run, context);
      if (failure) outcome = await afterFailure(run, context, failure);
    }
    if (outcome === 'retry') {
      status.passes += 1;
      continue;
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
  const route = run.route;
  if (!route) return missingSubscription(status.subscriptionName, context.input.tenant);
  void context.syncStatus();
  // Every pass after the first was asked for by an operator (retry, replay).
  const firstAttempt = run.firstAttempt;
  run.firstAttempt = undefined;
  const onDurable = () => {
    run.retrying = true;
    void context.syncStatus();
  };
  const pass = await runPass(route, () => deliverOnce(context.input, route, context.workflowId, { operatorPass: status.passes > 1, firstAttempt, onDurable }));
  run.retrying = false;
  if ('failure' in pass) return pass.failure;
  const { result } = pass;
  Object.assign(status, { state: 'delivered', attempts: result.attempt, lastStatusCode: result.statusCode, ...(result.skipped && { skipped: true }) });
  delete status.lastError;
  return undefined;
}

/**
 * A failed pass, by role: best effort gives up quietly; `any_of` waits for its siblings and gives
 * up quietly if one succeeded; otherwise the failure is dead-lettered and waits for `retry`,
 * `discard`, the hold to expire, or (any_of) a sibling's success.
 */
async function afterFailure(run: RouteRun, context: RouteContext, failure: Failure): Promise<'retry' | 'done'> {
  const status = run.status;
  const giveUpQuietly = () =>
    Object.assign(status, { state: 'failed', attempts: failure.attempts, lastError: failure.message, lastStatusCode: failure.statusCode });
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

  const recorded = await deadLetter(context, failure, { route: run.route, subscriptionName: status.subscriptionName });
  Object.assign(status, {
    state: 'dead_lettered',
    deadLetterId: recorded.id,
    attempts: recorded.attempts,
    lastError: recorded.lastError,
    lastStatusCode: recorded.lastStatusCode,
  });
  await context.syncStatus();
  run.holdUntil = Date.now() + context.holdMs;
  return awaitOperator(run, context);
}

/** An `any_of` dead letter whose sibling got through: nobody needs to act on it any more. */
export function isSuperseded(run: RouteRun, context: Pick<RouteContext, 'anyOfSiblings'>): boolean {
  return run.status.role === 'any_of' && context.anyOfSiblings().some((sibling) => sibling.status.state === 'delivered');
}

/**
 * A dead-lettered route waits for `retry`, `discard`, the end of its hold, or (any_of) a
 * sibling's success, then resolves its dead letter. Parked meanwhile: the run may continue as
 * new, and the next run comes back here with the same hold.
 */
async function awaitOperator(run: RouteRun, context: RouteContext): Promise<'retry' | 'done'> {
  const status = run.status;
  const deadLetterId = status.deadLetterId ?? '';
  const superseded = () => isSuperseded(run, context);
  run.parked = 'dead_letter';
  const answered = await condition(() => run.command !== undefined || superseded(), Math.max(0, (run.holdUntil ?? 0) - Date.now()));
  run.parked = undefined;
  run.holdUntil = undefined;
  const command = run.command;
  run.command = undefined;
  const answer = superseded() && !command ? 'superseded' : !answered || !command ? undefined : command;
  const resolved = await resolveDeadLetter(context, deadLetterId, status.subscriptionName, answer);
  if (resolved.outcome === 'retried') {
    // A fresh pass under the subscription's policy as it is now; the dead letter is closed.
    run.route = resolved.route;
    delete status.deadLetterId;
    return 'retry';
  }
  if (resolved.outcome === 'discarded') Object.assign(status, { state: 'discarded', discardReason: resolved.reason });
  else status.state = resolved.outcome === 'superseded' ? 'failed' : 'expired';
  return 'done';
}
