import { sql, type Kysely } from 'kysely';
import type { Database, EventRow, NewDeliveryRow } from '../db/database.js';
import type { TargetKind } from '../targets/target-kind.js';

/**
 * Writes the attempt to the delivery log. With `finishEvent` (a delivered attempt of the event's
 * only route) the same statement marks the event delivered, as setEventStatus would: one round
 * trip instead of two on the happy path. Returns whether the event's status changed.
 *
 * For kinds delivered by the log itself (realtime), rows of one tenant are written one at a
 * time, so their ids follow commit order and a browser resuming "after id N" can never skip a
 * row that committed late.
 *
 * @example
 * const finished = await recordAttempt(db, kind, event, true, row);
 */
export async function recordAttempt(db: Kysely<Database>, kind: TargetKind, event: EventRow, finishEvent: boolean, row: NewDeliveryRow): Promise<boolean> {
  if (kind.deliveredByLog) {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`realtime:${event.tenant_id}`}, 0))`.execute(trx);
      await trx.insertInto('outbox.deliveries').values(row).execute();
    });
    return finishEvent && (await finishEventDelivered(db, event.id));
  }
  if (!finishEvent) {
    await db.insertInto('outbox.deliveries').values(row).execute();
    return false;
  }
  const changed = await db
    .with('logged', (qb) => qb.insertInto('outbox.deliveries').values(row).returning('event_id'))
    .updateTable('outbox.events')
    .set({ status: 'delivered', finished_at: sql`clock_timestamp()`, dispatched_at: sql`coalesce(dispatched_at, clock_timestamp())` })
    .where('id', '=', event.id)
    .where('status', '<>', 'delivered')
    .returning('id')
    .execute();
  return changed.length > 0;
}

async function finishEventDelivered(db: Kysely<Database>, eventId: string): Promise<boolean> {
  const changed = await db
    .updateTable('outbox.events')
    .set({ status: 'delivered', finished_at: sql`clock_timestamp()`, dispatched_at: sql`coalesce(dispatched_at, clock_timestamp())` })
    .where('id', '=', eventId)
    .where('status', '<>', 'delivered')
    .returning('id')
    .executeTakeFirst();
  return changed !== undefined;
}
