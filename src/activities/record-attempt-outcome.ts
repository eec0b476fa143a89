import { DeliveryFailureType } from '../failures/failure-types.js';
import type { DeliveryError } from '../failures/delivery-error.js';
import type { Admitted, AttemptPlan } from './attempt-steps.js';
import type { DeliveryDependencies } from './deliver-input.js';
import { recordAttempt } from './record-attempt.js';
import { sagaStepLabel } from './saga-message.js';

/** How one attempt ended, as the record step writes it. */
export interface AttemptOutcome {
  statusCode: number | null;
  failure: DeliveryError | undefined;
  durationMs: number;
  /** The event's only route: a delivered attempt marks the event delivered in the same statement. */
  finishEventIfDelivered: boolean;
}

/**
 * The last step of an attempt: the endpoint's pace (only attempts that reached it tell how fast
 * it answers), the delivery-log row (and the event's status, for its only route), metrics and
 * the log line. Returns whether the event was finished by this write.
 */
export async function recordAttemptOutcome(deps: DeliveryDependencies, plan: AttemptPlan, admitted: Admitted, outcome: AttemptOutcome): Promise<boolean> {
  const { input, event, subscription, attempt } = plan;
  const { statusCode, failure, durationMs } = outcome;
  if (admitted.admission.verdict === 'send' && failure?.failureType !== DeliveryFailureType.throttled) deps.pace?.record(subscription.id, durationMs);
  const result = failure ? (failure.retryable ? 'retryable_failure' : 'permanent_failure') : 'delivered';

  const eventFinished = await recordAttempt(deps.db, plan.kind, event, outcome.finishEventIfDelivered && !failure, {
    event_id: event.id,
    subscription_id: subscription.id,
    tenant_id: event.tenant_id,
    target_kind: subscription.target_kind,
    target: plan.endpoint,
    attempt,
    outcome: result,
    status_code: statusCode,
    duration_ms: durationMs,
    error: failure?.message ?? null,
    workflow_id: input.workflowId,
    ...(input.sagaStep && { saga_step: sagaStepLabel(input.sagaStep) }),
    ...(failure?.retryable && failure.retryAfterMs !== undefined && { next_retry_delay_ms: Math.round(failure.retryAfterMs) }),
  });

  const eventType = deps.metrics.eventTypeLabel(event.event_type);
  deps.metrics.deliveryAttempts.inc({
    event_type: eventType,
    target_kind: subscription.target_kind,
    subscription: deps.metrics.subscriptionLabel(subscription.name),
    outcome: result,
  });
  deps.metrics.deliveryAttemptDuration.observe({ target_kind: subscription.target_kind, outcome: result }, durationMs / 1000);
  if (!failure)
    deps.metrics.endToEndLatency.observe({ event_type: eventType, target_kind: subscription.target_kind }, (Date.now() - event.created_at.getTime()) / 1000);

  const fields = {
    eventId: event.id,
    workflowId: input.workflowId,
    subscription: subscription.name,
    target: plan.endpoint,
    attempt,
    statusCode,
    ...(input.sagaStep && { sagaStep: sagaStepLabel(input.sagaStep) }),
  };
  if (failure) {
    deps.logger.warn({ ...fields, error: failure.message, retryable: failure.retryable }, 'delivery attempt failed');
    return eventFinished;
  }
  deps.logger.info({ ...fields, durationMs: Math.round(durationMs) }, 'delivered');
  if (eventFinished) {
    deps.metrics.eventsFinished.inc({ event_type: eventType, status: 'delivered' });
    deps.logger.info({ eventId: event.id, workflowId: input.workflowId, status: 'delivered' }, 'event status changed');
  }
  return eventFinished;
}
