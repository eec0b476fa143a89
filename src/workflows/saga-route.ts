// A saga route inside deliverEvent: steps in order; when one fails for good, the completed ones
// are undone in reverse through their compensation targets. A compensation that exhausts its
// policy is dead-lettered and waits for an operator, like any delivery.
import { ActivityFailure, ApplicationFailure, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { EventStatus } from '../db/database.js';
import { Compensations } from './compensations.js';
import {
  discardSignal,
  replaySignal,
  retrySignal,
  searchAttributeKeys,
  statusQuery,
  type DeliverEventInput,
  type DeliveryRoute,
  type EventDeliveryStatus,
  type OutboxWorkflowStatus,
  type SagaPlan,
  type SagaPlanStep,
  type SagaStepStatus,
} from './definitions.js';
import { eventStatusFor } from './event-status.js';
import { summariseFailure } from './failure-summary.js';
import { bookkeeping } from './bookkeeping.js';
import { deliverOnce } from './deliver-once.js';
import type { Failure } from './route-delivery.js';

export interface SagaContext {
  input: DeliverEventInput;
  workflowId: string;
  holdMs: number;
}

type Command = { kind: 'retry' } | { kind: 'discard'; reason: string };

/**
 * Runs the event's saga route to the end and returns its final status: `Delivered` (every step
 * done), `Compensated` (a step failed and every completed step was undone), `Discarded` or
 * `Expired` (an operator discarded a dead-lettered compensation, or nobody answered in time).
 */
export async function runSagaRoute(plan: SagaPlan, context: SagaContext): Promise<EventDeliveryStatus> {
  const { input } = context;
  const steps: SagaStepStatus[] = plan.steps.map((step) => ({
    name: step.name,
    target: step.target,
    ...(step.compensation && { compensation: step.compensation.name }),
    state: 'pending',
    attempts: 0,
  }));
  const commands = new Map<string, Command>();
  let failedStep: string | undefined;
  let shown: OutboxWorkflowStatus = 'Dispatched';
  // The relay marked the row dispatched; a replay's new run must say so itself.
  let written: EventStatus | undefined = input.replay ? undefined : 'dispatched';

  const snapshot = (): EventDeliveryStatus => ({
    eventId: input.eventId,
    tenant: input.tenant,
    eventType: input.eventType,
    status: shown,
    routes: [],
    saga: { name: plan.name, ...(failedStep && { failedStep }), steps: steps.map((step) => ({ ...step })) },
  });
  const show = async (status: OutboxWorkflowStatus): Promise<void> => {
    if (status !== shown) {
      shown = status;
      upsertSearchAttributes([{ key: searchAttributeKeys.status, value: status }]);
    }
    const wanted = eventStatusFor(status);
    if (wanted !== written) {
      await bookkeeping.setEventStatus({ eventId: input.eventId, status: wanted });
      written = wanted;
    }
  };
  // Signals name the compensation's subscription (what `outbox dlq retry` sends) or the step.
  const waiting = (names?: string[]) =>
    steps.filter(
      (step) =>
        step.state === 'compensation_dead_lettered' &&
        (!names?.length || names.includes(step.name) || (step.compensation !== undefined && names.includes(step.compensation))),
    );
  setHandler(statusQuery, snapshot);
  setHandler(retrySignal, (args) => waiting(args?.subscriptions).forEach((step) => commands.set(step.name, { kind: 'retry' })));
  setHandler(discardSignal, (args) => {
    const reason = args?.reason?.trim() || 'discarded by an operator (no reason given)';
    waiting(args?.subscriptions).forEach((step) => commands.set(step.name, { kind: 'discard', reason }));
  });
  // A saga runs once per workflow run; replaying a finished one starts a new run (outbox replay).
  setHandler(replaySignal, () => undefined);

  upsertSearchAttributes([
    {
      key: searchAttributeKeys.targets,
      value: [...new Set(plan.steps.flatMap((step) => [step.target, ...(step.compensation ? [step.compensation.name] : [])]))],
    },
  ]);
  await show('Delivering');

  const compensations = new Compensations();
  for (const [index, step] of plan.steps.entries()) {
    const status = steps[index]!;
    status.state = 'running';
    const { failure, attempts } = await runStep(context, plan.name, step.name, step.route, step.target, false, false);
    if (!failure) {
      status.state = 'completed';
      status.attempts = attempts;
      if (step.compensation) compensations.add(() => compensate(step, status), step.name);
      continue;
    }
    Object.assign(status, { state: 'failed', attempts: failure.attempts, lastError: failure.message, lastStatusCode: failure.statusCode });
    failedStep = step.name;
    for (const later of steps.slice(index + 1)) later.state = 'skipped';
    break;
  }
  if (failedStep === undefined) {
    await show('Delivered');
    return snapshot();
  }

  await show('Compensating');
  await compensations.compensate();
  const states = steps.map((step) => step.state);
  await show(states.includes('compensation_expired') ? 'Expired' : states.includes('compensation_discarded') ? 'Discarded' : 'Compensated');
  return snapshot();

  /** One compensation, until it succeeds, is discarded, or its dead letter expires. */
  async function compensate(step: SagaPlanStep, status: SagaStepStatus): Promise<void> {
    const compensation = step.compensation!;
    let route = compensation.route;
    status.compensationPasses = 0;
    for (;;) {
      status.state = 'compensating';
      status.compensationPasses += 1;
      status.attempts = 0;
      await show('Compensating');
      const { failure, attempts } = await runStep(context, plan.name, step.name, route, compensation.name, true, status.compensationPasses > 1);
      if (!failure) {
        status.state = 'compensated';
        status.attempts = attempts;
        delete status.lastError;
        return;
      }
      const recorded = await bookkeeping.recordDeadLetter({
        eventId: input.eventId,
        subscriptionId: route?.subscriptionId ?? null,
        subscriptionName: compensation.name,
        tenant: input.tenant,
        attempts: failure.attempts,
        lastError: failure.message,
        lastStatusCode: failure.statusCode,
        workflowId: context.workflowId,
        completeFromDeliveryLog: failure.fromLog,
        sagaStep: `${step.name}:compensate`,
      });
      Object.assign(status, {
        state: 'compensation_dead_lettered',
        deadLetterId: recorded.id,
        attempts: recorded.attempts,
        lastError: recorded.lastError,
        lastStatusCode: recorded.lastStatusCode,
      });
      written = 'dead_lettered';
      await show('CompensationFailed');
      const answered = await condition(() => commands.has(step.name), context.holdMs);
      const command = commands.get(step.name);
      commands.delete(step.name);
      if (!answered || !command) {
        await bookkeeping.resolveDeadLetter({ deadLetterId: recorded.id, resolution: 'expired', reason: 'no operator action within the dead-letter hold' });
        status.state = 'compensation_expired';
        return;
      }
      if (command.kind === 'discard') {
        await bookkeeping.resolveDeadLetter({ deadLetterId: recorded.id, resolution: 'discarded', reason: command.reason });
        Object.assign(status, { state: 'compensation_discarded', discardReason: command.reason });
        return;
      }
      await bookkeeping.resolveDeadLetter({ deadLetterId: recorded.id, resolution: 'retried' });
      // A fresh pass under the compensation subscription's policy as it is now.
      route = await bookkeeping.routeFor({ eventId: input.eventId, subscriptionName: compensation.name });
    }
  }
}

/** One pass of a step or compensation: its failure, or the attempts it took when the target accepted it. */
async function runStep(
  context: SagaContext,
  saga: string,
  step: string,
  route: DeliveryRoute | undefined,
  subscriptionName: string,
  compensation: boolean,
  operatorPass: boolean,
): Promise<{ failure?: Failure; attempts: number }> {
  if (!route) {
    return {
      failure: { message: `no subscription named "${subscriptionName}" for tenant ${context.input.tenant}`, attempts: 0, statusCode: null },
      attempts: 0,
    };
  }
  try {
    const result = await deliverOnce(context.input, route, context.workflowId, operatorPass, { saga, step, compensation });
    return { attempts: result.attempt };
  } catch (error) {
    if (!(error instanceof ActivityFailure) && !(error instanceof ApplicationFailure)) throw error;
    const summary = summariseFailure(error);
    const attempts = summary.attempts ?? route.retryPolicy.maximumAttempts;
    return { failure: { message: summary.message, attempts, statusCode: summary.statusCode, fromLog: summary.completeFromDeliveryLog }, attempts };
  }
}
