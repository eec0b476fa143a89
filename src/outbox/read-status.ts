import { sql, type Kysely } from 'kysely';
import type { CircuitState, Database, EventStatus } from '../db/database.js';

/** The outbox at a glance, as `outbox status` prints it. */
export interface OutboxStatus {
  /** Committed events not yet handed to Temporal. */
  pending: number;
  /** Age of the oldest pending event in seconds (the relay's lag); null when none is pending. */
  oldestPendingAgeSeconds: number | null;
  /** Events by status (every status present, zero when none). */
  byStatus: Record<EventStatus, number>;
  /** Dead letters waiting for an operator. */
  openDeadLetters: number;
  /** Age of the oldest open dead letter in seconds; null when none. */
  oldestDeadLetterAgeSeconds: number | null;
  /** Circuit breakers that are open, half-open, or counting failures. */
  breakers: { endpoint: string; state: CircuitState; consecutiveFailures: number; failingSince: Date | null; nextProbeAt: Date | null; lastError: string | null }[];
  /** Subscriptions that are disabled, with why. */
  disabledSubscriptions: { name: string; reason: string | null }[];
}

/**
 * Reads backlog, lag and counts by status. Pending and dispatched use their partial indexes;
 * the per-status totals scan the table, which is fine for an operator command.
 *
 * @example
 * const status = await readOutboxStatus(db);
 * console.log(`${status.pending} pending, lag ${status.oldestPendingAgeSeconds ?? 0}s`);
 */
export async function readOutboxStatus(db: Kysely<Database>): Promise<OutboxStatus> {
  const [oldest, counts, deadLetters, breakers, disabled] = await Promise.all([
    db
      .selectFrom('outbox.events')
      .select(sql<number>`extract(epoch from clock_timestamp() - created_at)::float8`.as('age'))
      .where('status', '=', 'pending')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst(),
    db.selectFrom('outbox.events').select(['status', sql<string>`count(*)`.as('count')]).groupBy('status').execute(),
    db
      .selectFrom('outbox.dead_letters')
      .select([sql<string>`count(*)`.as('count'), sql<number | null>`extract(epoch from clock_timestamp() - min(created_at))::float8`.as('age')])
      .where('resolved_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox.circuit_breakers')
      .select(['endpoint', 'state', 'consecutive_failures', 'failing_since', 'next_probe_at', 'last_error'])
      .where((eb) => eb.or([eb('state', '<>', 'closed'), eb('consecutive_failures', '>', 0)]))
      .orderBy('endpoint')
      .execute(),
    db.selectFrom('outbox.subscriptions').select(['name', 'disabled_reason']).where('enabled', '=', false).orderBy('name').execute(),
  ]);
  const byStatus: Record<EventStatus, number> = { pending: 0, dispatched: 0, delivered: 0, dead_lettered: 0, discarded: 0, expired: 0, compensated: 0 };
  for (const row of counts) byStatus[row.status] = Number(row.count);
  return {
    pending: byStatus.pending,
    oldestPendingAgeSeconds: oldest ? Number(oldest.age) : null,
    byStatus,
    openDeadLetters: Number(deadLetters.count),
    oldestDeadLetterAgeSeconds: deadLetters.age === null ? null : Number(deadLetters.age),
    breakers: breakers.map((row) => ({
      endpoint: row.endpoint,
      state: row.state,
      consecutiveFailures: row.consecutive_failures,
      failingSince: row.failing_since,
      nextProbeAt: row.next_probe_at,
      lastError: row.last_error,
    })),
    disabledSubscriptions: disabled.map((row) => ({ name: row.name, reason: row.disabled_reason })),
  };
}
