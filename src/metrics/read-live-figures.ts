import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** Cheap figures for a live view: every read uses an index, so refreshing every second is fine. */
export interface LiveFigures {
  at: number;
  pending: number;
  /** Of those, held because every endpoint they go to has an open breaker (not started). */
  held: number;
  /** Age of the oldest pending event (relay lag), seconds; 0 when none. */
  lagSeconds: number;
  inFlight: number;
  openDeadLetters: number;
  openBreakers: number;
  disabledSubscriptions: number;
  /** Highest event id and delivery log id seen, to count new rows by primary-key range. */
  lastEventId: string;
  lastDeliveryId: string;
  /** Since the previous reading: events committed, attempts delivered and failed, per second. */
  rates?: { enqueuedPerSecond: number; deliveredPerSecond: number; failedPerSecond: number };
}

/**
 * Reads the live figures; with the previous reading, also the rates since then (new rows
 * counted by id range on the primary keys, never a table scan).
 *
 * @example
 * let figures = await readLiveFigures(db);
 * figures = await readLiveFigures(db, figures); // figures.rates is set
 */
export async function readLiveFigures(db: Kysely<Database>, previous?: LiveFigures): Promise<LiveFigures> {
  const afterEvent = previous?.lastEventId ?? null;
  const afterDelivery = previous?.lastDeliveryId ?? null;
  const row = await sql<{
    pending: string;
    held: string;
    lag: number | null;
    in_flight: string;
    dead_letters: string;
    open_breakers: string;
    disabled: string;
    last_event_id: string | null;
    last_delivery_id: string | null;
    new_events: string;
    delivered: string;
    failed: string;
  }>`
    SELECT
      (SELECT count(*) FROM outbox.events WHERE status = 'pending') AS pending,
      (SELECT count(*) FROM outbox.events WHERE status = 'pending' AND held_for IS NOT NULL) AS held,
      (SELECT extract(epoch FROM clock_timestamp() - created_at)::float8 FROM outbox.events WHERE status = 'pending' ORDER BY id LIMIT 1) AS lag,
      (SELECT count(*) FROM outbox.events WHERE status = 'dispatched') AS in_flight,
      (SELECT count(*) FROM outbox.dead_letters WHERE resolved_at IS NULL) AS dead_letters,
      (SELECT count(*) FROM outbox.circuit_breakers WHERE state <> 'closed') AS open_breakers,
      (SELECT count(*) FROM outbox.subscriptions WHERE NOT enabled) AS disabled,
      (SELECT max(id)::text FROM outbox.events) AS last_event_id,
      (SELECT max(id)::text FROM outbox.deliveries) AS last_delivery_id,
      (SELECT count(*) FROM outbox.events WHERE ${afterEvent}::bigint IS NOT NULL AND id > ${afterEvent}::bigint) AS new_events,
      (SELECT count(*) FROM outbox.deliveries WHERE ${afterDelivery}::bigint IS NOT NULL AND id > ${afterDelivery}::bigint AND outcome = 'delivered') AS delivered,
      (SELECT count(*) FROM outbox.deliveries WHERE ${afterDelivery}::bigint IS NOT NULL AND id > ${afterDelivery}::bigint AND outcome <> 'delivered') AS failed
  `.execute(db);
  const figures = row.rows[0]!;
  const at = Date.now();
  const result: LiveFigures = {
    at,
    pending: Number(figures.pending),
    held: Number(figures.held),
    lagSeconds: figures.lag ?? 0,
    inFlight: Number(figures.in_flight),
    openDeadLetters: Number(figures.dead_letters),
    openBreakers: Number(figures.open_breakers),
    disabledSubscriptions: Number(figures.disabled),
    lastEventId: figures.last_event_id ?? previous?.lastEventId ?? '0',
    lastDeliveryId: figures.last_delivery_id ?? previous?.lastDeliveryId ?? '0',
  };
  if (previous) {
    const seconds = Math.max((at - previous.at) / 1000, 0.001);
    result.rates = {
      enqueuedPerSecond: Number(figures.new_events) / seconds,
      deliveredPerSecond: Number(figures.delivered) / seconds,
      failedPerSecond: Number(figures.failed) / seconds,
    };
  }
  return result;
}
