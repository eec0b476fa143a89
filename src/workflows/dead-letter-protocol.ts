// What fan-out routes and saga compensations share once a delivery pass has run: summarising
// its failure, recording the dead letter, and resolving it by the operator's answer (or its
// absence). Workflow code: no Node built-ins. The waiting itself stays with each caller, since
// a route also wakes for its any_of siblings and may continue as new while it waits.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { DeliverEventInput, DeliveryRoute } from './definitions.js';
import { bookkeeping } from './bookkeeping.js';
import { summariseFailure } from './failure-summary.js';
import { failTaskOnWrongInstallation, isWrongInstallation } from './wrong-installation.js';

/** A failed pass, as the dead letter records it. */
export interface Failure {
  message: string;
  attempts: number;
  statusCode: number | null;
  /** The failure carried no attempt details (a deadline): the delivery log has the last attempt. */
  fromLog?: boolean;
}

/** What an operator asked of a dead letter (the retry and discard signals). */
export type OperatorAnswer = { kind: 'retry'; actor?: string } | { kind: 'discard'; reason: string; actor?: string };

/** The pass to a subscription that does not exist (a missing explicit target, a saga step's): its failure. */
export function missingSubscription(subscriptionName: string, tenant: string): Failure {
  return { message: `no subscription named "${subscriptionName}" for tenant ${tenant}`, attempts: 0, statusCode: null };
}

/**
 * Runs one delivery pass; resolves with its result, or with its summarised failure. Anything but
 * a delivery failure is rethrown, and a worker of another installation fails the workflow task.
 *
 * @example
 * const pass = await runPass(route, () => deliverOnce(input, route, workflowId));
 * if ('failure' in pass) await deadLetter(context, pass.failure, { route, subscriptionName });
 */
export async function runPass<T>(route: DeliveryRoute, deliver: () => Promise<T>): Promise<{ result: T } | { failure: Failure }> {
  try {
    return { result: await deliver() };
  } catch (error) {
    if (!(error instanceof ActivityFailure) && !(error instanceof ApplicationFailure)) throw error;
    if (isWrongInstallation(error)) failTaskOnWrongInstallation(error);
    const summary = summariseFailure(error);
    return {
      failure: {
        message: summary.message,
        attempts: summary.attempts ?? route.retryPolicy.maximumAttempts,
        statusCode: summary.statusCode,
        fromLog: summary.completeFromDeliveryLog,
      },
    };
  }
}

/** Records a failed pass as an open dead letter; returns it as recorded (a re-run finds the same one). */
export function deadLetter(
  context: { input: DeliverEventInput; workflowId: string },
  failure: Failure,
  target: { route: DeliveryRoute | undefined; subscriptionName: string; sagaStep?: string },
) {
  return bookkeeping.recordDeadLetter({
    eventId: context.input.eventId,
    subscriptionId: target.route?.subscriptionId ?? null,
    subscriptionName: target.subscriptionName,
    tenant: context.input.tenant,
    attempts: failure.attempts,
    lastError: failure.message,
    lastStatusCode: failure.statusCode,
    workflowId: context.workflowId,
    completeFromDeliveryLog: failure.fromLog,
    ...(target.sagaStep !== undefined && { sagaStep: target.sagaStep }),
  });
}

/**
 * Resolves a dead letter after its wait: by the operator's answer, as superseded (an any_of
 * sibling got through), or as expired (nobody answered within the hold). A retry comes back with
 * the subscription's route as it is now, so a policy changed since applies to the new pass.
 */
export async function resolveDeadLetter(
  context: { input: DeliverEventInput },
  deadLetterId: string,
  subscriptionName: string,
  answer: OperatorAnswer | 'superseded' | undefined,
): Promise<{ outcome: 'retried'; route: DeliveryRoute | undefined } | { outcome: 'discarded'; reason: string } | { outcome: 'expired' | 'superseded' }> {
  if (answer === 'superseded') {
    await bookkeeping.resolveDeadLetter({ deadLetterId, resolution: 'superseded', reason: 'another delivery of this event succeeded (fan-out any)' });
    return { outcome: 'superseded' };
  }
  if (!answer) {
    await bookkeeping.resolveDeadLetter({ deadLetterId, resolution: 'expired', reason: 'no operator action within the dead-letter hold' });
    return { outcome: 'expired' };
  }
  const by = answer.actor !== undefined ? { actor: answer.actor } : {};
  if (answer.kind === 'discard') {
    await bookkeeping.resolveDeadLetter({ deadLetterId, resolution: 'discarded', reason: answer.reason, ...by });
    return { outcome: 'discarded', reason: answer.reason };
  }
  await bookkeeping.resolveDeadLetter({ deadLetterId, resolution: 'retried', ...by });
  return { outcome: 'retried', route: await bookkeeping.routeFor({ eventId: context.input.eventId, subscriptionName }) };
}
