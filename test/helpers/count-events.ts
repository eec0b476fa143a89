import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';

/**
 * Events by status, e.g. `{ pending: 3, delivered: 997 }` (absent statuses are absent), for the
 * events of one tenant or whose type matches a LIKE pattern.
 */
export async function countEventsByStatus(db: Kysely<Database>, filter: { tenant: string } | { typeLike: string }): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('outbox.events')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where((eb) => ('tenant' in filter ? eb('tenant_id', '=', filter.tenant) : eb('event_type', 'like', filter.typeLike)))
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}
