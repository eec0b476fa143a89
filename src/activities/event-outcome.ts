import { Context } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { emitOperationalEvent, OPERATIONAL_EVENT } from './operational-events.js';
import type { Database, EventStatus } from '../db/database.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';

/** What the bookkeeping activities write to: the database, metrics, and the state-change log. */
export interface OutcomeDependencies {
  db: Kysely<Database>;
  metrics: EngineMetrics;
  logger: Logger;
}

/** The calling activity's workflow id, for log lines (none outside an activity). */
function currentWorkflowId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined;
  }
}

/** Input of the `recordDeadLetter` activity. */
export interface DeadLetterInput {
  eventId: string;
  subscriptionId: string | null;
  subscriptionName: string;
  tenant: string;
  attempts: number;
  lastError: string;
  lastStatusCode: number | null;
  workflowId: string;
  /**
   * The failure said nothing about the attempts (a deadline passed between attempts): take the
   * attempt count, status code and error from the last row of the delivery log.
   */
  completeFromDeliveryLog?: boolean;
  /** A saga compensation: the step label (`charge:compensate`). */
  sagaStep?: string;
}

/** The dead letter as recorded. */
export interface RecordedDeadLetter {
  id: string;
  attempts: number;
  lastError: string;
  lastStatusCode: number | null;
}

/**
 * Records a delivery that exhausted its retry policy or failed for good, and marks the event
 * dead-lettered. Idempotent while the dead letter is open (same workflow and subscription), so
 * an activity retry never writes two rows.
 */
export async function recordDeadLetter(deps: OutcomeDependencies, original: DeadLetterInput): Promise<RecordedDeadLetter> {
  const { db } = deps;
  const input = original.completeFromDeliveryLog ? await withLastAttempt(db, original) : original;
  const outcome = await db.transaction().execute(async (trx) => {
    // Serialise concurrent retries of this activity for the same event.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`dead-letter:${input.eventId}`}, 0))`.execute(trx);
    const existing = await trx
      .selectFrom('outbox.dead_letters')
      .select('id')
      .where('event_id', '=', input.eventId)
      .where('subscription_name', '=', input.subscriptionName)
      .where('workflow_id', '=', input.workflowId)
      .where(sql<boolean>`saga_step IS NOT DISTINCT FROM ${input.sagaStep ?? null}`)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    const recorded = { attempts: input.attempts, lastError: input.lastError, lastStatusCode: input.lastStatusCode };
    if (existing) return { recorded: { id: existing.id, ...recorded } };
    // In the same transaction, so a dead letter is never visible while its event looks in flight.
    const changed = await trx
      .updateTable('outbox.events')
      .set({ status: 'dead_lettered', finished_at: null })
      .where('id', '=', input.eventId)
      .where('status', '<>', 'dead_lettered')
      .returning(['event_type', 'idempotency_key'])
      .executeTakeFirst();
    const event =
      changed ?? (await trx.selectFrom('outbox.events').select(['event_type', 'idempotency_key']).where('id', '=', input.eventId).executeTakeFirst());
    const row = await trx
      .insertInto('outbox.dead_letters')
      .values({
        event_id: input.eventId,
        subscription_id: input.subscriptionId,
        subscription_name: input.subscriptionName,
        tenant_id: input.tenant,
        attempts: input.attempts,
        last_error: input.lastError,
        last_status_code: input.lastStatusCode,
        workflow_id: input.workflowId,
        saga_step: input.sagaStep ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (event) {
      await emitOperationalEvent(trx, { tenant: input.tenant, eventType: event.event_type }, OPERATIONAL_EVENT.deliveryDeadLettered, row.id, {
        deadLetterId: row.id,
        eventId: input.eventId,
        eventType: event.event_type,
        idempotencyKey: event.idempotency_key,
        subscription: input.subscriptionName,
        attempts: input.attempts,
        lastStatusCode: input.lastStatusCode,
        lastError: input.lastError.slice(0, 500),
        ...(input.sagaStep && { sagaStep: input.sagaStep }),
      });
    }
    return { recorded: { id: row.id, ...recorded }, eventType: event?.event_type ?? 'unknown', statusChanged: changed !== undefined };
  });
  if (outcome.eventType !== undefined) {
    deps.metrics.deadLetters.inc({
      event_type: deps.metrics.eventTypeLabel(outcome.eventType),
      subscription: deps.metrics.subscriptionLabel(input.subscriptionName),
    });
    if (outcome.statusChanged) deps.metrics.eventsFinished.inc({ event_type: deps.metrics.eventTypeLabel(outcome.eventType), status: 'dead_lettered' });
    deps.logger.warn(
      {
        eventId: input.eventId,
        workflowId: input.workflowId,
        subscription: input.subscriptionName,
        deadLetterId: outcome.recorded.id,
        attempts: input.attempts,
        error: input.lastError,
        ...(input.sagaStep && { sagaStep: input.sagaStep }),
      },
      'delivery dead-lettered; waiting for an operator (outbox dlq list)',
    );
  }
  return outcome.recorded;
}

async function withLastAttempt(db: Kysely<Database>, input: DeadLetterInput): Promise<DeadLetterInput> {
  const last = await db
    .selectFrom('outbox.deliveries')
    .select(['attempt', 'status_code', 'error'])
    .where('event_id', '=', input.eventId)
    .where('workflow_id', '=', input.workflowId)
    .where('subscription_id', '=', input.subscriptionId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last) return { ...input, lastError: `${input.lastError}; no attempt was recorded` };
  return { ...input, attempts: last.attempt, lastStatusCode: last.status_code, lastError: `${input.lastError}; last error: ${last.error ?? 'none'}` };
}

/** Closes a dead letter: the operator retried or discarded it, or its hold expired. */
export async function resolveDeadLetter(
  deps: OutcomeDependencies,
  input: { deadLetterId: string; resolution: 'retried' | 'discarded' | 'expired' | 'superseded'; reason?: string; actor?: string },
): Promise<void> {
  const resolved = await deps.db
    .updateTable('outbox.dead_letters')
    .set({
      resolved_at: sql`now()`,
      resolution: input.resolution,
      resolution_reason: input.reason ?? null,
      // Signals from the Temporal UI or `temporal workflow signal` name nobody.
      ...(input.resolution === 'retried' || input.resolution === 'discarded' ? { resolved_by: input.actor ?? 'a signal that named no actor' } : {}),
    })
    .where('id', '=', input.deadLetterId)
    .where('resolved_at', 'is', null)
    .returning(['event_id', 'subscription_name'])
    .executeTakeFirst();
  if (resolved) {
    deps.logger.info(
      {
        eventId: resolved.event_id,
        workflowId: currentWorkflowId(),
        subscription: resolved.subscription_name,
        deadLetterId: input.deadLetterId,
        resolution: input.resolution,
        ...(input.reason && { reason: input.reason }),
        ...(input.actor && { actor: input.actor }),
      },
      `dead letter ${input.resolution}`,
    );
  }
}

const FINAL: readonly EventStatus[] = ['delivered', 'discarded', 'expired', 'compensated'];

/**
 * Sets an event's status as its workflow sees it. If the relay that started the workflow has not
 * committed its dispatch mark yet, this waits on the relay's row lock, so it always lands last.
 */
export async function setEventStatus(deps: OutcomeDependencies, input: { eventId: string; status: EventStatus }): Promise<void> {
  const final = FINAL.includes(input.status);
  // Only a real change is written (and counted, and logged): a retried activity changes nothing.
  const changed = await deps.db
    .updateTable('outbox.events')
    .set({
      status: input.status,
      finished_at: final ? sql`clock_timestamp()` : null,
      dispatched_at: sql`coalesce(dispatched_at, clock_timestamp())`,
    })
    .where('id', '=', input.eventId)
    .where('status', '<>', input.status)
    .returning('event_type')
    .executeTakeFirst();
  if (!changed) return;
  if (input.status !== 'dispatched') deps.metrics.eventsFinished.inc({ event_type: deps.metrics.eventTypeLabel(changed.event_type), status: input.status });
  deps.logger.info({ eventId: input.eventId, workflowId: currentWorkflowId(), status: input.status }, 'event status changed');
}
