import { trace } from '@opentelemetry/api';
import { TEST_EVENT_TYPE } from '../routing/test-send-route.js';
import type { Context } from '@temporalio/activity';
import type { EventRow } from '../db/database.js';
import { classifyTransportError } from '../failures/classify-failure.js';
import { DeliveryError } from '../failures/delivery-error.js';
import { DeliveryFailureType } from '../failures/failure-types.js';
import { retryDelayMs } from '../failures/retry-delay.js';
import { resolveSecret } from '../targets/secret-reference.js';
import type { TargetKind } from '../targets/target-kind.js';
import type { TargetMessage } from '../targets/target-message.js';
import type { Admission } from './circuit-breaker.js';
import type { DeliverableSubscription, DeliverInput, DeliveryDependencies } from './deliver-input.js';
import { circuitOpenFailure, recordEndpointHealth } from './endpoint-health.js';
import { admitToEndpoint, storedFlowControl } from './flow-control.js';
import { recordStepResult } from './saga-message.js';

// The steps of one delivery attempt, in the order deliver-to-target.ts's attemptDelivery runs
// them: admit (breaker, flow control), send, settle (what the answer says about the endpoint,
// and when the next attempt comes). Each takes the attempt's plan and returns plain data.

/** Everything an attempt's steps share, fixed before the first one runs. */
export interface AttemptPlan {
  input: DeliverInput;
  event: EventRow;
  subscription: DeliverableSubscription;
  kind: TargetKind;
  config: unknown;
  endpoint: string;
  /** The breaker's key: one breaker per kind and endpoint. */
  breakerKey: string;
  timeoutMs: number;
  attempt: number;
  message: TargetMessage;
  /** A saga step whose answer the saga keeps (not a compensation). */
  keepsAnswer: boolean;
  context: Context;
}

/** What admission decided: the breaker's verdict, and the flow-control gate when it let the attempt through. */
export interface Admitted {
  admission: Admission;
  /** The failure that ends the attempt before any send (circuit open, throttled). */
  failure?: DeliveryError;
  release?: () => Promise<void>;
}

/**
 * The breaker, then the endpoint's flow control. An operator's pass goes through an open breaker
 * once (it acts as the probe: the operator says the endpoint is fixed).
 */
export async function admitAttempt(deps: DeliveryDependencies, plan: AttemptPlan): Promise<Admitted> {
  const { input, attempt, context } = plan;
  const admission: Admission =
    input.operatorPass && attempt === 1
      ? { verdict: 'send', probe: true, hadFailures: true }
      : await deps.breakers.admit(plan.breakerKey, plan.timeoutMs + 10_000);
  if (admission.verdict === 'fail-fast') {
    return { admission, failure: circuitOpenFailure(admission, plan.endpoint, input.backoff ? retryDelayMs(input.backoff, attempt) : 0) };
  }
  const limits = input.flowControl ?? storedFlowControl(plan.subscription.flow_control);
  if (!limits) return { admission };
  const gate = await admitToEndpoint(deps.db, {
    subscriptionId: plan.subscription.id,
    limits,
    timeoutMs: plan.timeoutMs,
    signal: context.cancellationSignal,
    heartbeat: () => context.heartbeat(),
  });
  if (gate.throttledMs !== undefined) {
    return {
      admission,
      failure: new DeliveryError(`throttled, not attempted: ${gate.reason}`, { type: DeliveryFailureType.throttled, retryAfterMs: gate.throttledMs }),
    };
  }
  return { admission, release: gate.release };
}

/** The send through the target kind, bounded by its timeout; a saga step's answer is kept. */
export async function sendAttempt(
  deps: DeliveryDependencies,
  plan: AttemptPlan,
  admitted: Admitted,
): Promise<{ statusCode: number | null; failure?: DeliveryError }> {
  const { input, event, subscription, context } = plan;
  let endSend: (() => void) | undefined;
  try {
    endSend = deps.pace?.beginSend(subscription.id);
    const signal = AbortSignal.any([context.cancellationSignal, AbortSignal.timeout(plan.timeoutMs)]);
    // Test sends go through pools of their own: a tenant testing a dead endpoint holds no delivery's socket.
    const pools = (event.event_type === TEST_EVENT_TYPE && deps.testSends) || deps;
    const result = await plan.kind.send(
      {
        http: pools.http,
        httpAllowingPrivate: pools.httpAllowingPrivate ?? pools.http,
        connections: pools.connections,
        signal,
        secret: (value) => resolveSecret(value, deps.env),
        ...(deps.signingKeys && { signingKeys: () => deps.signingKeys!.active() }),
        ...(deps.accessTokens && { accessTokens: deps.accessTokens }),
        ...(deps.clientCertificates && { clientTls: (tls, allowPrivate) => deps.clientCertificates!.agentFor(tls, allowPrivate) }),
        captureResponse: plan.keepsAnswer,
      },
      plan.config,
      plan.message,
    );
    if (plan.keepsAnswer && input.sagaStep) await recordStepResult(deps.db, event.id, input.sagaStep.step, result.response);
    return { statusCode: result.statusCode ?? null };
  } catch (error) {
    const failure = classifyTransportError(error);
    return { statusCode: failure.statusCode ?? null, failure };
  } finally {
    endSend?.();
    await admitted.release?.();
  }
}

/**
 * What the attempt ends with: an answer's verdict on the endpoint (410 or a long failure streak
 * disables it; see recordEndpointHealth), and a retried failure's wait by the pass's schedule
 * with jitter unless the target said when (Retry-After).
 */
export async function settleAttempt(
  deps: DeliveryDependencies,
  plan: AttemptPlan,
  admitted: Admitted,
  failure: DeliveryError | undefined,
): Promise<DeliveryError | undefined> {
  const { admission } = admitted;
  let settled = failure;
  if (admission.verdict === 'send') {
    const about = { tenant: plan.event.tenant_id, eventType: plan.event.event_type };
    settled = await recordEndpointHealth(
      deps,
      { subscription: plan.subscription, endpoint: plan.endpoint, breakerKey: plan.breakerKey, about },
      admission,
      failure,
    );
  }
  if (settled?.retryable && settled.retryAfterMs === undefined && plan.input.backoff)
    settled = settled.withRetryAfter(retryDelayMs(plan.input.backoff, plan.attempt));
  return settled;
}

/** The activity's span when tracing is on (OpenTelemetry interceptor); a no-op otherwise. */
export function annotateSpan(plan: Pick<AttemptPlan, 'event' | 'subscription' | 'endpoint'>): void {
  trace.getActiveSpan()?.setAttributes({
    'outbox.event_id': plan.event.id,
    'outbox.event_type': plan.event.event_type,
    'outbox.subscription': plan.subscription.name,
    'outbox.target': plan.endpoint,
    ...(plan.event.correlation_id !== null && { 'outbox.correlation_id': plan.event.correlation_id }),
  });
}
