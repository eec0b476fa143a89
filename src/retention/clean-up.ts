/**
 * The retention room: deleting finished events and delivery logs after their retention period,
 * on a schedule. May import durations/ and db/.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** Event statuses that are over for good: their rows may be deleted after the retention period. */
export const FINISHED_STATUSES = ['delivered', 'discarded', 'expired', 'compensated'] as const;

export interface CleanUpOptions {
  /** Rows finished (events) or written (delivery log) longer ago than this are deleted. */
  olderThanMs: number;
  /** Rows per DELETE; each batch is its own short transaction. Default 1 000. */
  batchSize?: number;
  /** Called after every batch with the totals so far. */
  onProgress?: (progress: CleanUpResult) => void;
  /** Stops between batches when aborted (the engine shutting down). */
  signal?: AbortSignal;
}

export interface CleanUpResult {
  /** Finished events deleted (their dead letters and saga results go with them). */
  events: number;
  /** Delivery log rows deleted (those of deleted events, and any older than the cutoff). */
  deliveries: number;
  batches: number;
}

/**
 * Deletes finished events (delivered, discarded, expired, compensated) whose `finished_at` is
 * older than the cutoff, then delivery log rows older than it, in small batches so no lock is
 * held for long. Pending, dispatched and dead-lettered events are never touched. Batches claim
 * rows with SKIP LOCKED, so several cleaners (or a running relay) never wait on each other.
 *
 * An idempotency key is remembered only while its row exists: keep the retention longer than
 * any producer may retry an enqueue.
 *
 * @example
 * const result = await cleanUp(db, { olderThanMs: 7 * 86_400_000, onProgress: (p) => console.log(p) });
 */
export async function cleanUp(db: Kysely<Database>, options: CleanUpOptions): Promise<CleanUpResult> {
  const batchSize = options.batchSize ?? 1_000;
  const cutoff = new Date(Date.now() - options.olderThanMs);
  const result: CleanUpResult = { events: 0, deliveries: 0, batches: 0 };
  for (;;) {
    if (options.signal?.aborted) return result;
    // One statement: deleting the event cascades to its deliveries, dead letters and saga results.
    const deleted = await sql<{ events: string; deliveries: string }>`
      WITH doomed AS (
        SELECT id FROM outbox.events
        WHERE status IN ('delivered', 'discarded', 'expired', 'compensated') AND finished_at < ${cutoff}
        ORDER BY finished_at
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), cascaded AS (
        SELECT count(*) AS n FROM outbox.deliveries WHERE event_id IN (SELECT id FROM doomed)
      ), gone AS (
        DELETE FROM outbox.events WHERE id IN (SELECT id FROM doomed) RETURNING 1
      )
      SELECT (SELECT count(*) FROM gone)::text AS events, (SELECT n FROM cascaded)::text AS deliveries`.execute(db);
    const row = deleted.rows[0];
    const events = Number(row?.events ?? 0);
    if (events === 0) break;
    result.events += events;
    result.deliveries += Number(row?.deliveries ?? 0);
    result.batches += 1;
    options.onProgress?.({ ...result });
  }
  for (;;) {
    if (options.signal?.aborted) return result;
    // The log is written in id order, so the oldest rows are found first on the primary key.
    const deleted = await sql<{ n: string }>`
      WITH gone AS (
        DELETE FROM outbox.deliveries WHERE id IN (
          SELECT id FROM outbox.deliveries WHERE attempted_at < ${cutoff} ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
        ) RETURNING 1
      ) SELECT count(*)::text AS n FROM gone`.execute(db);
    const n = Number(deleted.rows[0]?.n ?? 0);
    if (n === 0) break;
    result.deliveries += n;
    result.batches += 1;
    options.onProgress?.({ ...result });
  }
  return result;
}

/** What a cleanup would delete now (for `--dry-run`). */
export async function countCleanable(db: Kysely<Database>, olderThanMs: number): Promise<{ events: number; deliveries: number }> {
  const cutoff = new Date(Date.now() - olderThanMs);
  const [events, deliveries] = await Promise.all([
    db
      .selectFrom('outbox.events')
      .select(sql<string>`count(*)`.as('n'))
      .where('status', 'in', FINISHED_STATUSES)
      .where('finished_at', '<', cutoff)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox.deliveries as d')
      .select(sql<string>`count(*)`.as('n'))
      .where((eb) =>
        eb.or([
          eb('d.attempted_at', '<', cutoff),
          eb.exists(
            eb
              .selectFrom('outbox.events as e')
              .select('e.id')
              .whereRef('e.id', '=', 'd.event_id')
              .where('e.status', 'in', FINISHED_STATUSES)
              .where('e.finished_at', '<', cutoff),
          ),
        ]),
      )
      .executeTakeFirstOrThrow(),
  ]);
  return { events: Number(events.n), deliveries: Number(deliveries.n) };
}
