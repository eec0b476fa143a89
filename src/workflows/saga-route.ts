// A saga route inside deliverEvent: steps in order; when one fails for good, the completed ones
// are undone in reverse through their compensation targets. A compensation that exhausts its
// policy is dead-lettered and waits for an operator, like any delivery.
import { condition } from '@temporalio/workflow';
import { showSearchAttributes } from './show-search-attributes.js';
import { StatusIndex } from './status-index.js';
import type { DeliverySignals } from './delivery-signals.js';
import type { EventStatus } from '../db/database.js';
import { Compensations } from './compensations.js';
import {
  searchAttributeKeys,
  type DeliverEventInput,
  type DeliveryRoute,
  type EventDeliveryStatus,
  type OutboxWorkflowStatus,
  type SagaPlan,
  type SagaPlanStep,
  type SagaStepStatus,
} from './definitions.js';
import { eventStatusFor } from './event-status.js';
import { bookkeeping } from './bookkeeping.js';
import { deadLetter, missingSubscription, resolveDeadLetter, runPass, type Failure, type OperatorAnswer } from './dead-letter-protocol.js';
import { deliverOnce } from './deliver-once.js';

export interface SagaContext {
  input: DeliverEventInput;
  workflowId: string;
  holdMs: number;
  /** The event's signal handlers, handed over to the saga. */
  signals: DeliverySignals;
}

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
  const commands = new Map<string, OperatorAnswer>();
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
  // Lean workflows set OutboxStatus only once the saga compensates (status-index.ts).
  const index = input.leanHistory === true ? new StatusIndex(input) : undefined;
  const show = async (status: OutboxWorkflowStatus): Promise<void> => {
    if (status !== shown) {
      shown = status;
      if (index) index.update(status);
      else showSearchAttributes(input, [{ key: searchAttributeKeys.status, value: status }]);
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
  // The event's signals act on the saga from now on (a saga runs once per workflow run;
  // replaying a finished one starts a new run: outbox replay).
  context.signals.handOver({
    status: snapshot,
    names: () => [...new Set(steps.flatMap((step) => [step.name, ...(step.compensation ? [step.compensation] : [])]))],
    retry: (names, actor) => waiting(names).forEach((step) => commands.set(step.name, { kind: 'retry', ...(actor && { actor }) })),
    discard: (names, reason, actor) => waiting(names).forEach((step) => commands.set(step.name, { kind: 'discard', reason, ...(actor && { actor }) })),
    replay: () => undefined,
  });

  const targets = [...new Set(plan.steps.flatMap((step) => [step.target, ...(step.compensation ? [step.compensation.name] : [])]))];
  if (index) index.targets(targets);
  else showSearchAttributes(input, [{ key: searchAttributeKeys.targets, value: targets }]);
  await show('Delivering');

  const compensations = new Compensations();
  for (const [index, step] of plan.steps.entries()) {
    const status = steps[index]!;
    status.state = 'running';
    const { failure, attempts } = await runStep(context, { saga: plan.name, step: step.name, route: step.route, subscriptionName: step.target });
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
      const { failure, attempts } = await runStep(context, {
        saga: plan.name,
        step: step.name,
        route,
        subscriptionName: compensation.name,
        compensation: true,
        operatorPass: status.compensationPasses > 1,
      });
      if (!failure) {
        status.state = 'compensated';
        status.attempts = attempts;
        delete status.lastError;
        return;
      }
      const recorded = await deadLetter(context, failure, { route, subscriptionName: compensation.name, sagaStep: `${step.name}:compensate` });
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
      const resolved = await resolveDeadLetter(context, recorded.id, compensation.name, !answered || !command ? undefined : command);
      if (resolved.outcome === 'retried') {
        // A fresh pass under the compensation subscription's policy as it is now.
        route = resolved.route;
        continue;
      }
      if (resolved.outcome === 'discarded') Object.assign(status, { state: 'compensation_discarded', discardReason: resolved.reason });
      else status.state = 'compensation_expired';
      return;
    }
  }
}

/** Which step or compensation a pass delivers, and how. */
interface StepPass {
  saga: string;
  step: string;
  /** Undefined when no subscription of that name exists for the tenant. */
  route: DeliveryRoute | undefined;
  subscriptionName: string;
  compensation?: boolean;
  /** A pass an operator asked for (a retried compensation). */
  operatorPass?: boolean;
}

/** One pass of a step or compensation: its failure, or the attempts it took when the target accepted it. */
async function runStep(context: SagaContext, pass: StepPass): Promise<{ failure?: Failure; attempts: number }> {
  const { route } = pass;
  if (!route) return { failure: missingSubscription(pass.subscriptionName, context.input.tenant), attempts: 0 };
  const sagaStep = { saga: pass.saga, step: pass.step, compensation: pass.compensation === true };
  const ran = await runPass(route, () => deliverOnce(context.input, route, context.workflowId, { operatorPass: pass.operatorPass === true, sagaStep }));
  return 'failure' in ran ? { failure: ran.failure, attempts: ran.failure.attempts } : { attempts: ran.result.attempt };
}
