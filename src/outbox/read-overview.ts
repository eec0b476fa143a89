import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { breakerKeyOfTarget } from '../targets/breaker-key.js';
import { readExpiringCertificates, type ExpiringCertificate } from './certificate-expiry.js';

/** One minute of the attempt log: how many attempts delivered, failed or were skipped. */
export interface MinuteOfDeliveries {
  /** The minute's start, ISO 8601. */
  minute: string;
  delivered: number;
  failed: number;
  skipped: number;
}

/** What the console's overview shows, for the rows the reader may see. */
export interface Overview {
  pending: number;
  oldestPendingAgeSeconds: number | null;
  openDeadLetters: number;
  /** The last hour of attempts, one entry per minute, oldest first (60 entries). */
  lastHour: MinuteOfDeliveries[];
  /** Delivered attempts over all but skipped ones in the last hour; null when there were none. */
  successRate: number | null;
  disabledSubscriptions: { id: string; name: string; reason: string | null }[];
  /** Breakers not closed on the endpoints of the subscriptions the reader may see. */
  openBreakers: { subscription: string; endpoint: string; state: string; failingSince: string | null; lastError: string | null }[];
  /** Client certificates (mTLS) that expire within 14 days or have expired, soonest first. */
  expiringCertificates: ExpiringCertificate[];
}

/**
 * The overview, in two parts: `scoped` is the reader's transaction (row-level security keeps a
 * tenant to its rows), `engine` reads what no tenant may read itself (the attempt log's first id
 * of the hour, a plain number, and the shared breaker table, only for endpoints `scoped` sees).
 *
 * @example
 * const overview = await inScope(db, principal, (trx) => readOverview(trx, db));
 */
export async function readOverview(
  scoped: Transaction<Database>,
  engine: Kysely<Database>,
  /** False for a tenant's view: a breaker is shared by every subscription to its endpoint, so its last error may be another tenant's answer. */
  options: { endpointErrors: boolean } = { endpointErrors: true },
): Promise<Overview> {
  // The attempt log has no time index (every attempt would pay for one); ids grow with time, so
  // the hour starts after the newest id older than an hour. Found once, unscoped: a tenant with
  // no old attempts would otherwise scan the whole log backwards.
  const { rows: boundary } = await sql<{ id: string | null }>`
    SELECT (SELECT id FROM outbox.deliveries WHERE attempted_at < date_trunc('minute', now()) - interval '59 minutes' ORDER BY id DESC LIMIT 1)::text AS id`.execute(
    engine,
  );
  const afterId = boundary[0]?.id ?? '0';
  const [pending, deadLetters, minutes, disabled, subscriptions, expiringCertificates] = await Promise.all([
    sql<{ count: string; age: number | null }>`
      SELECT count(*) AS count, extract(epoch from clock_timestamp() - min(created_at))::float8 AS age FROM outbox.events WHERE status = 'pending'`.execute(
      scoped,
    ),
    sql<{ count: string }>`SELECT count(*) AS count FROM outbox.dead_letters WHERE resolved_at IS NULL`.execute(scoped),
    sql<{ minute: Date; delivered: string; failed: string; skipped: string }>`
      SELECT m.minute,
             count(d.id) FILTER (WHERE d.outcome = 'delivered') AS delivered,
             count(d.id) FILTER (WHERE d.outcome IN ('retryable_failure', 'permanent_failure')) AS failed,
             count(d.id) FILTER (WHERE d.outcome = 'skipped') AS skipped
        FROM generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') AS m(minute)
        LEFT JOIN outbox.deliveries d ON d.id > ${afterId}::bigint AND date_trunc('minute', d.attempted_at) = m.minute
       GROUP BY m.minute ORDER BY m.minute`.execute(scoped),
    scoped.selectFrom('outbox.subscriptions').select(['id', 'name', 'disabled_reason']).where('enabled', '=', false).orderBy('name').limit(100).execute(),
    scoped.selectFrom('outbox.subscriptions').select(['name', 'target_kind', 'target_config']).execute(),
    readExpiringCertificates(scoped),
  ]);
  const lastHour = minutes.rows.map((row) => ({
    minute: row.minute.toISOString(),
    delivered: Number(row.delivered),
    failed: Number(row.failed),
    skipped: Number(row.skipped),
  }));
  const delivered = lastHour.reduce((sum, m) => sum + m.delivered, 0);
  const tried = delivered + lastHour.reduce((sum, m) => sum + m.failed, 0);
  return {
    pending: Number(pending.rows[0]?.count ?? 0),
    oldestPendingAgeSeconds: pending.rows[0]?.age ?? null,
    openDeadLetters: Number(deadLetters.rows[0]?.count ?? 0),
    lastHour,
    successRate: tried === 0 ? null : delivered / tried,
    disabledSubscriptions: disabled.map((row) => ({ id: String(row.id), name: row.name, reason: row.disabled_reason })),
    openBreakers: (await readOpenBreakers(engine, subscriptions)).map((breaker) => (options.endpointErrors ? breaker : { ...breaker, lastError: null })),
    expiringCertificates,
  };
}

async function readOpenBreakers(engine: Kysely<Database>, subscriptions: { name: string; target_kind: string; target_config: unknown }[]) {
  const byKey = new Map<string, string[]>();
  for (const subscription of subscriptions) {
    const key = breakerKeyOfTarget(subscription);
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), subscription.name]);
  }
  if (byKey.size === 0) return [];
  const open = await engine
    .selectFrom('outbox.circuit_breakers')
    .select(['endpoint', 'state', 'failing_since', 'last_error'])
    .where('state', '<>', 'closed')
    .where('endpoint', 'in', [...byKey.keys()])
    .orderBy('endpoint')
    .execute();
  return open.flatMap((row) =>
    (byKey.get(row.endpoint) ?? []).map((subscription) => ({
      subscription,
      endpoint: row.endpoint,
      state: row.state,
      failingSince: row.failing_since?.toISOString() ?? null,
      lastError: row.last_error,
    })),
  );
}
