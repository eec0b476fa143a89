import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { sendingTenantsSql, tenantWindowFor, unfinishedInWindowSql, type AdmissionWindow } from './admission-window.js';

/** A tenant whose pending events wait because its admission window is full. */
export interface HeldTenant {
  tenant: string;
  /** Its events waiting in PostgreSQL. */
  pending: number;
  /** Its unfinished events started within the window (the window, when held). */
  unfinished: number;
  /** Its admission window now: its part of the budget shared by the tenants sending. */
  window: number;
}

/** The admission budget as the relay shares it now (see admission-window.ts). */
export interface AdmissionNow {
  /** OUTBOX_TENANT_MAX_UNFINISHED: a tenant's window while it is the only one sending. */
  budget: number;
  /** OUTBOX_TENANT_MIN_UNFINISHED: the least a tenant's window shrinks to. */
  minimum: number;
  windowMs: number;
  /** Tenants with an event started within the window. */
  tenantsSending: number;
  /** Each tenant's window now. */
  window: number;
}

/**
 * Tenants the relay is holding back now: they have pending events and their admission window
 * (see claimPendingEvents), their part of the budget shared by the tenants sending, is full, so
 * their next events wait for some of the last ones to finish. Counted per tenant with pending
 * events, through the indexes on pending and dispatched rows by tenant; the tenants sending
 * are counted as the relay counts them.
 *
 * @example
 * const { admission, heldTenants } = await readHeldTenants(db, DEFAULT_TENANT_WINDOW);
 */
export async function readHeldTenants(db: Kysely<Database>, settings: AdmissionWindow): Promise<{ admission: AdmissionNow; heldTenants: HeldTenant[] }> {
  const seconds = settings.windowMs / 1000;
  const { rows: counted } = await sql<{ sending: number }>`${sql.raw(sendingTenantsSql(String(seconds)))}`.execute(db);
  const tenantsSending = counted[0]?.sending ?? 0;
  const window = tenantWindowFor(settings, tenantsSending);
  const { rows } = await sql<{ tenant_id: string; pending: string; unfinished: string }>`
    SELECT p.tenant_id, p.pending, ${sql.raw(unfinishedInWindowSql('p.tenant_id', String(window), String(seconds)))} AS unfinished
      FROM (SELECT tenant_id, count(*) AS pending FROM outbox.events WHERE status = 'pending' GROUP BY tenant_id) p
     ORDER BY p.tenant_id`.execute(db);
  const heldTenants = rows
    .map((row) => ({ tenant: row.tenant_id, pending: Number(row.pending), unfinished: Number(row.unfinished), window }))
    .filter((row) => row.unfinished >= window);
  return { admission: { budget: settings.maxUnfinished, minimum: settings.minUnfinished, windowMs: settings.windowMs, tenantsSending, window }, heldTenants };
}
