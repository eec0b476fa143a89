import { trace } from '@opentelemetry/api';
import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Database, EventRow, SubscriptionRow } from '../db/database.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import { resolveSecret } from '../targets/secret-reference.js';
import type { Admission, CircuitBreakers } from './circuit-breaker.js';
import { classifyTransportError, toApplicationFailure } from '../failures/classify-failure.js';
import { DeliveryError } from '../failures/delivery-error.js';
import { DeliveryFailureType } from '../failures/failure-types.js';
import type { TargetConnections } from '../targets/target-connections.js';
import type { EndpointPace } from './endpoint-pace.js';
import { contentVerdict, recordSkipped } from './content-checks.js';
import type { EventTypeCatalog } from '../catalog/event-type-catalog.js';
import { deliverableTarget } from './deliverable-target.js';
import { admitToEndpoint, storedFlowControl, type FlowControl } from './flow-control.js';
import { circuitOpenFailure, recordEndpointHealth } from './endpoint-health.js';
import { retryDelayMs, type RetryTiming } from '../failures/retry-delay.js';
import { buildSagaMessage, recordStepResult, sagaStepLabel, type SagaStepRef } from './saga-message.js';
import { buildTargetMessage } from '../targets/target-message.js';
import { loadEventForDelivery } from './load-event.js';
import { loadSubscriptionForDelivery } from './load-subscription.js';
import { recordAttempt } from './record-attempt.js';

/** Input of the `deliver` activity: ids only; the activity reads the event and target itself. */
export interface DeliverInput {
  eventId: string;
  subscriptionId: string;
  workflowId: string;
  /**
   * A pass an operator asked for (retry or replay): its first attempt goes through even if the
   * endpoint's breaker is open (the operator says it is fixed) and acts as the probe.
   */
  operatorPass?: boolean;
  /** The pass's retry timing: every retry delay is computed here (schedule, jitter, Retry-After). */
  backoff?: RetryTiming;
  /** The route's limits (the subscription's, or its tenant's default); stored ones when absent. */
  flowControl?: FlowControl;
  /** A saga step or compensation: its own message id, the saga's results, the step's answer kept. */
  sagaStep?: SagaStepRef;
  /** Attempts this pass already made as a local activity (the fast first attempt): numbering goes on from there. */
  attemptOffset?: number;
}

/** What an attempt needs of the subscription row. */
export type DeliverableSubscription = Pick<SubscriptionRow, 'id' | 'name' | 'target_kind' | 'target_config' | 'flow_control' | 'filter'>;

export interface DeliverResult {
  statusCode: number | null;
  attempt: number;
  /** Not sent: the subscription's content filter leaves the event out (logged as skipped). */
  skipped?: true;
}

export interface DeliveryDependencies {
  db: Kysely<Database>;
  http: Dispatcher;
  httpAllowingPrivate?: Dispatcher;
  connections: TargetConnections;
  breakers: CircuitBreakers;
  /** This worker's view of how fast each endpoint answers (for the first pass). */
  pace?: EndpointPace;
  catalog?: EventTypeCatalog; // payload schemas (unchecked without it)
  metrics: EngineMetrics;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

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
 * read): admit (breaker, flow control), send, classify, record. Throws the ApplicationFailure
 * Temporal's retry policy acts on.
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
  // The catalog's schema and the subscription's content filter decide before anything is sent.
  if ((await contentVerdict(deps, event, subscription)) === 'skip') {
    return recordSkipped(deps, kind, event, subscription, {
      workflowId: input.workflowId,
      attempt,
      endpoint,
      finishEvent: options.finishEventIfDelivered === true,
    });
  }
  // The activity's span when tracing is on (OpenTelemetry interceptor); a no-op otherwise.
  trace.getActiveSpan()?.setAttributes({
    'outbox.event_id': event.id,
    'outbox.event_type': event.event_type,
    'outbox.subscription': subscription.name,
    'outbox.target': endpoint,
    ...(event.correlation_id !== null && { 'outbox.correlation_id': event.correlation_id }),
  });
  // The workflow's id is the message id: unique across tenants and installations, stable across retries and replays.
  const message = input.sagaStep ? await buildSagaMessage(deps.db, event, input.workflowId, input.sagaStep) : buildTargetMessage(event, input.workflowId);
  const keepsAnswer = input.sagaStep !== undefined && !input.sagaStep.compensation;
  const started = performance.now();
  const timeoutMs = kind.timeoutMs(config);
  const breakerKey = `${kind.kind}: ${endpoint}`;
  // Whose operational events (disabled, recovered) this attempt may cause.
  const about = { tenant: event.tenant_id, eventType: event.event_type };
  const admission: Admission =
    input.operatorPass && attempt === 1 ? { verdict: 'send', probe: true, hadFailures: true } : await deps.breakers.admit(breakerKey, timeoutMs + 10_000);
  let statusCode: number | null = null;
  let failure: DeliveryError | undefined;
  let endSend: (() => void) | undefined;
  if (admission.verdict === 'fail-fast') {
    failure = circuitOpenFailure(admission, endpoint, input.backoff ? retryDelayMs(input.backoff, attempt) : 0);
  } else {
    const limits = input.flowControl ?? storedFlowControl(subscription.flow_control);
    const gate = limits
      ? await admitToEndpoint(deps.db, {
          subscriptionId: subscription.id,
          limits,
          timeoutMs,
          signal: context.cancellationSignal,
          heartbeat: () => context.heartbeat(),
        })
      : undefined;
    if (gate?.throttledMs !== undefined) {
      failure = new DeliveryError(`throttled, not attempted: ${gate.reason}`, { type: DeliveryFailureType.throttled, retryAfterMs: gate.throttledMs });
    } else
      try {
        endSend = deps.pace?.beginSend(subscription.id);
        const signal = AbortSignal.any([context.cancellationSignal, AbortSignal.timeout(timeoutMs)]);
        const result = await kind.send(
          {
            http: deps.http,
            httpAllowingPrivate: deps.httpAllowingPrivate ?? deps.http,
            connections: deps.connections,
            signal,
            secret: (value) => resolveSecret(value, deps.env),
            captureResponse: keepsAnswer,
          },
          config,
          message,
        );
        statusCode = result.statusCode ?? null;
        if (keepsAnswer && input.sagaStep) await recordStepResult(deps.db, event.id, input.sagaStep.step, result.response);
      } catch (error) {
        failure = classifyTransportError(error);
        statusCode = failure.statusCode ?? null;
      } finally {
        endSend?.();
        await gate?.release?.();
      }
    failure = await recordEndpointHealth(deps, { subscription, endpoint, breakerKey, about }, admission, failure);
  }
  // Every retry waits by the pass's schedule with jitter, unless the target said when (Retry-After).
  if (failure?.retryable && failure.retryAfterMs === undefined && input.backoff) {
    failure = failure.withRetryAfter(retryDelayMs(input.backoff, attempt));
  }
  const durationMs = performance.now() - started;
  // Only attempts that reached the endpoint tell how fast it answers.
  if (admission.verdict === 'send' && failure?.failureType !== DeliveryFailureType.throttled) deps.pace?.record(subscription.id, durationMs);
  const outcome = failure ? (failure.retryable ? 'retryable_failure' : 'permanent_failure') : 'delivered';

  const eventFinished = await recordAttempt(deps.db, kind, event, options.finishEventIfDelivered === true && !failure, {
    event_id: event.id,
    subscription_id: subscription.id,
    tenant_id: event.tenant_id,
    target_kind: subscription.target_kind,
    target: endpoint,
    attempt,
    outcome,
    status_code: statusCode,
    duration_ms: durationMs,
    error: failure?.message ?? null,
    workflow_id: input.workflowId,
    ...(input.sagaStep && { saga_step: sagaStepLabel(input.sagaStep) }),
    ...(failure?.retryable && failure.retryAfterMs !== undefined && { next_retry_delay_ms: Math.round(failure.retryAfterMs) }),
  });

  deps.metrics.deliveryAttempts.inc({
    event_type: deps.metrics.eventTypeLabel(event.event_type),
    target_kind: subscription.target_kind,
    subscription: subscription.name,
    outcome,
  });
  deps.metrics.deliveryAttemptDuration.observe({ target_kind: subscription.target_kind, outcome }, durationMs / 1000);
  if (!failure)
    deps.metrics.endToEndLatency.observe(
      { event_type: deps.metrics.eventTypeLabel(event.event_type), target_kind: subscription.target_kind },
      (Date.now() - event.created_at.getTime()) / 1000,
    );

  const fields = {
    eventId: event.id,
    workflowId: input.workflowId,
    subscription: subscription.name,
    target: endpoint,
    attempt,
    statusCode,
    ...(input.sagaStep && { sagaStep: sagaStepLabel(input.sagaStep) }),
  };
  if (failure) {
    deps.logger.warn({ ...fields, error: failure.message, retryable: failure.retryable }, 'delivery attempt failed');
    throw toApplicationFailure(failure, attempt);
  }
  deps.logger.info({ ...fields, durationMs: Math.round(durationMs) }, 'delivered');
  if (eventFinished) {
    deps.metrics.eventsFinished.inc({ event_type: deps.metrics.eventTypeLabel(event.event_type), status: 'delivered' });
    deps.logger.info({ eventId: event.id, workflowId: input.workflowId, status: 'delivered' }, 'event status changed');
  }
  return { statusCode, attempt, ...(eventFinished && { eventFinished }) };
}
