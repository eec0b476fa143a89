import type { Kysely } from 'kysely';
import type { Database, EventRow } from '../db/database.js';
import { buildTargetMessage, type TargetMessage } from '../targets/target-message.js';

/** Which saga step a `deliver` activity runs, and whether it is the step or its compensation. */
export interface SagaStepRef {
  saga: string;
  step: string;
  compensation: boolean;
}

/**
 * The delivery log's and dead letters' label of a step: `charge`, or `charge:compensate`; also
 * the suffix of its idempotency key.
 */
export function sagaStepLabel(ref: SagaStepRef): string {
  return ref.compensation ? `${ref.step}:compensate` : ref.step;
}

/**
 * The message of a saga step: the event's envelope plus `saga` (name, step, phase and the
 * results of the steps completed so far), under its own message id `<event's message
 * id>:<step>` or `<…>:<step>:compensate`, so a target dedupes each step and each compensation
 * separately.
 *
 * @example
 * const message = await buildSagaMessage(db, event, 'outbox:3f9a1c2e07:acme:order-42', { saga: 'payment', step: 'charge', compensation: true });
 * message.id; // 'outbox:3f9a1c2e07:acme:order-42:charge:compensate'
 */
export async function buildSagaMessage(db: Kysely<Database>, event: EventRow, messageId: string, ref: SagaStepRef): Promise<TargetMessage> {
  const rows = await db.selectFrom('outbox.saga_step_results').select(['step', 'result']).where('event_id', '=', event.id).orderBy('recorded_at').execute();
  const base = buildTargetMessage(event, messageId);
  const id = `${messageId}:${sagaStepLabel(ref)}`;
  const envelope = {
    ...base.envelope,
    id,
    saga: {
      name: ref.saga,
      step: ref.step,
      phase: ref.compensation ? ('compensation' as const) : ('step' as const),
      results: Object.fromEntries(rows.map((row) => [row.step, row.result])),
    },
  };
  return { id, eventType: base.eventType, body: JSON.stringify(envelope), envelope };
}

/** A step's answer as stored: parsed JSON when it is JSON, else the text; null when empty. */
export function parseStepResult(response: string | undefined): unknown {
  if (response === undefined || response.trim() === '') return null;
  try {
    return JSON.parse(response) as unknown;
  } catch {
    return response;
  }
}

/** Keeps a completed step's answer for later steps and for its compensation. */
export async function recordStepResult(db: Kysely<Database>, eventId: string, step: string, response: string | undefined): Promise<void> {
  const result = JSON.stringify(parseStepResult(response));
  await db
    .insertInto('outbox.saga_step_results')
    .values({ event_id: eventId, step, result })
    .onConflict((oc) => oc.columns(['event_id', 'step']).doUpdateSet({ result }))
    .execute();
}
