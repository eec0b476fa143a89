/**
 * The dead-letters room: finding open dead letters (list-dead-letters.ts) and signalling their
 * workflows to retry or discard (this file). May import workflows/ (signal definitions), events/
 * and db/; cli/ and api/ import it.
 */
import type { Client } from '@temporalio/client';
import { discardSignal, retrySignal } from '../workflows/definitions.js';
import type { OpenDeadLetter } from './list-dead-letters.js';

export interface SignalOutcome {
  /** Dead letters whose workflow took the signal. */
  signalled: OpenDeadLetter[];
  /** Dead letters whose workflow could not be signalled, with why. */
  failed: { deadLetter: OpenDeadLetter; error: string }[];
  workflows: number;
}

/**
 * Sends `retry` (or `discard`) to the workflows holding these dead letters: one signal per
 * workflow naming its dead subscriptions, exactly what the Temporal UI's Signal button sends,
 * plus who asked (`actor`). The workflow then resolves the dead letters itself and records who.
 *
 * @example
 * await signalDeadLetters(client, await listOpenDeadLetters(db, { events: 'order.*' }), { action: 'retry' });
 */
export async function signalDeadLetters(
  client: Client,
  deadLetters: OpenDeadLetter[],
  action: ({ action: 'retry' } | { action: 'discard'; reason: string }) & { actor?: string },
): Promise<SignalOutcome> {
  const actor = action.actor !== undefined ? { actor: action.actor } : {};
  const byWorkflow = new Map<string, OpenDeadLetter[]>();
  for (const deadLetter of deadLetters) byWorkflow.set(deadLetter.workflowId, [...(byWorkflow.get(deadLetter.workflowId) ?? []), deadLetter]);
  const outcome: SignalOutcome = { signalled: [], failed: [], workflows: byWorkflow.size };
  for (const [workflowId, group] of byWorkflow) {
    const subscriptions = [...new Set(group.map((deadLetter) => deadLetter.subscription))];
    const handle = client.workflow.getHandle(workflowId);
    try {
      if (action.action === 'retry') await handle.signal(retrySignal, { subscriptions, ...actor });
      else await handle.signal(discardSignal, { subscriptions, reason: action.reason, ...actor });
      outcome.signalled.push(...group);
    } catch (error) {
      const message = (error as Error).message;
      const hint = /not found|already completed/i.test(message) ? '; its workflow is gone: use `outbox replay` for this event' : '';
      for (const deadLetter of group) outcome.failed.push({ deadLetter, error: `${message}${hint}` });
    }
  }
  return outcome;
}
