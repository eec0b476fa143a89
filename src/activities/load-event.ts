import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import type { Database, EventRow } from '../db/database.js';
import { DeliveryFailureType } from './delivery-failure.js';

/** Every column of outbox.events but the payload, which is read only when it is within the limit. */
const COLUMNS = [
  'id',
  'tenant_id',
  'idempotency_key',
  'event_type',
  'event_version',
  'aggregate_type',
  'aggregate_id',
  'correlation_id',
  'causation_id',
  'targets',
  'status',
  'created_at',
  'dispatched_at',
  'finished_at',
  'workflow_id',
  'traceparent',
] as const;

/**
 * Reads the event row a delivery sends. outbox.enqueue refuses payloads above the limit in
 * outbox.settings, but a row written around it (by the schema's owner, or before the limit was
 * lowered) could be any size: such a payload is not loaded, and the delivery fails for good with
 * the sizes in its reason, so it becomes a dead letter instead of exhausting the worker's memory.
 *
 * @example
 * const event = await loadEventForDelivery(db, '42');
 */
export async function loadEventForDelivery(db: Kysely<Database>, eventId: string): Promise<EventRow> {
  const row = await db
    .selectFrom('outbox.events')
    .select(COLUMNS)
    .select(sql<number>`octet_length(payload::text)`.as('payload_bytes'))
    .select(sql<number>`coalesce((SELECT value::integer FROM outbox.settings WHERE name = 'max_payload_bytes'), 1048576)`.as('payload_limit'))
    .select(
      sql<unknown>`CASE WHEN octet_length(payload::text) <= coalesce((SELECT value::integer FROM outbox.settings WHERE name = 'max_payload_bytes'), 1048576) THEN payload END`.as(
        'payload',
      ),
    )
    .where('id', '=', eventId)
    .executeTakeFirst();
  if (!row) throw ApplicationFailure.nonRetryable(`event ${eventId} no longer exists in outbox.events`, DeliveryFailureType.eventGone);
  const { payload_bytes: bytes, payload_limit: limit, ...event } = row;
  if (bytes > limit) {
    throw ApplicationFailure.nonRetryable(
      `event ${eventId}'s payload is ${bytes} bytes, above the limit of ${limit} bytes (outbox.settings max_payload_bytes); ` +
        'it was not loaded or sent. Send a reference instead, or raise the limit and retry',
      DeliveryFailureType.payloadTooLarge,
    );
  }
  return event;
}
