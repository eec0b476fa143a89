import { sql, type Kysely } from 'kysely';
import type { Database, EventRow } from '../db/database.js';
import { deliveryFailure } from '../failures/classify-failure.js';
import { DeliveryFailureType } from '../failures/failure-types.js';

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
  // The size is computed once, and the payload is only read when it is within the limit.
  const { rows } = await sql<Omit<EventRow, 'payload'> & { payload: unknown; payload_bytes: number; payload_limit: number }>`
    SELECT ${sql.join(COLUMNS.map((column) => sql.ref(`e.${column}`)))},
           size.bytes AS payload_bytes, settings.max AS payload_limit,
           CASE WHEN size.bytes <= settings.max THEN e.payload END AS payload
      FROM outbox.events e
     CROSS JOIN LATERAL (SELECT octet_length(e.payload::text) AS bytes) size
     CROSS JOIN (SELECT coalesce((SELECT value::integer FROM outbox.settings WHERE name = 'max_payload_bytes'), 1048576) AS max) settings
     WHERE e.id = ${eventId}`.execute(db);
  const row = rows[0];
  if (!row) throw deliveryFailure(DeliveryFailureType.eventGone, `event ${eventId} no longer exists in outbox.events`);
  const { payload_bytes: bytes, payload_limit: limit, ...event } = row;
  if (bytes > limit) {
    throw deliveryFailure(
      DeliveryFailureType.payloadTooLarge,
      `event ${eventId}'s payload is ${bytes} bytes, above the limit of ${limit} bytes (outbox.settings max_payload_bytes); ` +
        'it was not loaded or sent. Send a reference instead, or raise the limit and retry',
    );
  }
  return event;
}
