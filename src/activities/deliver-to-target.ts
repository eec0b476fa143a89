import { Context } from '@temporalio/activity';
import type { EventRow } from '../db/database.js';
import { toApplicationFailure } from '../failures/classify-failure.js';
import { buildTargetMessage } from '../targets/target-message.js';
import { admitAttempt, annotateSpan, sendAttempt, settleAttempt, type AttemptPlan } from './attempt-steps.js';
import { contentVerdict, recordSkipped } from './content-checks.js';
import { deliverableTarget } from './deliverable-target.js';
import { loadEventForDelivery } from './load-event.js';
import { loadSubscriptionForDelivery } from './load-subscription.js';
import type { DeliverableSubscription, DeliverInput, DeliverResult, DeliveryDependencies } from './deliver-input.js';
import { recordAttemptOutcome } from './record-attempt-outcome.js';
import { buildSagaMessage } from './saga-message.js';
import { breakerKey } from '../targets/breaker-key.js';
import { attemptTimeoutMs } from '../routing/test-send-route.js';

/**
 * One delivery attempt of one event to one subscription's target: reads both rows, sends
 * through the subscription's target kind, records the attempt in outbox.deliveries, and throws
 * an ApplicationFailure on failure so Temporal applies the subscription's retry policy.
 */
export async function deliverToTarget(deps: DeliveryDependencies, input: DeliverInput): Promise<DeliverResult> {
  const [event, subscription] = await Promise.all([loadEventForDelivery(deps.db, input.eventId), loadSubscriptionForDelivery(deps.db, input.subscriptionId)]);
  return attemptDelivery(deps, input, event, subscription);
}

/** How one attempt's record is written besides its delivery-log row. */
export interface AttemptOptions {
  /** This attempt's number (the first pass's is 1 whatever its activity's attempt). */
  attempt?: number;
  /**
   * The event's only route: when delivered, the same statement that logs the attempt marks the
   * event delivered (see recordAttempt), saving the workflow a status write.
   */
  finishEventIfDelivered?: boolean;
}

/**
 * One attempt with the rows already read (by deliverToTarget, or by the first pass's routing
 * read), as a pipeline of the steps in attempt-steps.ts: admit (breaker, flow control), send,
 * settle (the endpoint's health, the retry's wait), record (record-attempt-outcome.ts). Throws
 * the ApplicationFailure (failures/classify-failure.ts) Temporal's retry policy acts on.
 */
export async function attemptDelivery(
  deps: DeliveryDependencies,
  input: DeliverInput,
  event: EventRow,
  subscription: DeliverableSubscription,
  options: AttemptOptions = {},
): Promise<DeliverResult & { eventFinished?: boolean }> {
  const context = Context.current();
  const attempt = options.attempt ?? context.info.attempt + (input.attemptOffset ?? 0);
  const { kind, config } = deliverableTarget(subscription);
  const endpoint = kind.endpoint(config);
  const finishEventIfDelivered = options.finishEventIfDelivered === true;
  // The catalog's schema and the subscription's content filter decide before anything is sent.
  if ((await contentVerdict(deps, event, subscription)) === 'skip') {
    return recordSkipped(deps, kind, event, subscription, { workflowId: input.workflowId, attempt, endpoint, finishEvent: finishEventIfDelivered });
  }
  annotateSpan({ event, subscription, endpoint });
  const plan: AttemptPlan = {
    input,
    event,
    subscription,
    kind,
    config,
    endpoint,
    breakerKey: breakerKey(kind.kind, endpoint),
    timeoutMs: attemptTimeoutMs(event.event_type, kind.timeoutMs(config)),
    attempt,
    // The workflow's id is the message id: unique across tenants and installations, stable across retries and replays.
    message: input.sagaStep ? await buildSagaMessage(deps.db, event, input.workflowId, input.sagaStep) : buildTargetMessage(event, input.workflowId),
    keepsAnswer: input.sagaStep !== undefined && !input.sagaStep.compensation,
    context,
  };
  const started = performance.now();
  const admitted = await admitAttempt(deps, plan);
  const sent = admitted.failure ? { statusCode: null, failure: admitted.failure } : await sendAttempt(deps, plan, admitted);
  const failure = await settleAttempt(deps, plan, admitted, sent.failure);
  const durationMs = performance.now() - started;
  const eventFinished = await recordAttemptOutcome(deps, plan, admitted, { statusCode: sent.statusCode, failure, durationMs, finishEventIfDelivered });
  if (failure) throw toApplicationFailure(failure, attempt);
  return { statusCode: sent.statusCode, attempt, ...(eventFinished && { eventFinished }) };
}
