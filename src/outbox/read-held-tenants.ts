import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { unfinishedInWindowSql } from './claim-pending-events.js';

/** A tenant whose pending events wait because its admission window is full. */
export interface HeldTenant {
  tenant: string;
  /** Its events waiting in PostgreSQL. */
  pending: number;
  /** Its unfinished events started within the window (the cap, when held). */
  unfinished: number;
}

/**
 * Tenants the relay is holding back now: they have pending events and their admission window
 * (see claimPendingEvents) is full, so their next events wait for some of the last ones to
 * finish. Counted per tenant with pending events, through the indexes on pending and
 * dispatched rows by tenant.
 *
 * @example
 * const held = await readHeldTenants(db, { maxUnfinished: 50, windowMs: 5_000 });
 */
export async function readHeldTenants(db: Kysely<Database>, window: { maxUnfinished: number; windowMs: number }): Promise<HeldTenant[]> {
  const max = String(Math.trunc(window.maxUnfinished));
  const seconds = String(window.windowMs / 1000);
  const { rows } = await sql<{ tenant_id: string; pending: string; unfinished: string }>`
    SELECT p.tenant_id, p.pending, ${sql.raw(unfinishedInWindowSql('p.tenant_id', max, seconds))} AS unfinished
      FROM (SELECT tenant_id, count(*) AS pending FROM outbox.events WHERE status = 'pending' GROUP BY tenant_id) p
     ORDER BY p.tenant_id`.execute(db);
  return rows
    .map((row) => ({ tenant: row.tenant_id, pending: Number(row.pending), unfinished: Number(row.unfinished) }))
    .filter((row) => row.unfinished >= window.maxUnfinished);
}
