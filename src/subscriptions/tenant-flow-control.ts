import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { tenantIdSchema } from '../events/event-formats.js';
import { flowControlSchema, type FlowControlSettings } from './subscription-schema.js';
import { InvalidSubscriptionError } from './subscription-store.js';

/**
 * Sets a tenant's default endpoint limits (empty limits remove it). Each endpoint delivering the
 * tenant's events without limits of its own gets them, from the next event routed.
 *
 * @example
 * await setTenantFlowControl(db, 'acme', { ratePerSecond: 20, maxInFlight: 4 });
 */
export async function setTenantFlowControl(db: Kysely<Database>, tenant: string, limits: FlowControlSettings): Promise<FlowControlSettings | undefined> {
  const issues = [
    ...(tenantIdSchema.safeParse(tenant).success ? [] : [{ field: 'tenant', message: 'is not a valid tenant id' }]),
    ...(flowControlSchema.safeParse(limits).error?.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })) ?? []),
  ];
  if (issues.length > 0)
    throw new InvalidSubscriptionError(`Invalid tenant limits: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}. Nothing was saved.`, issues);
  const parsed = flowControlSchema.parse(limits);
  if (Object.keys(parsed).length === 0) {
    await db.deleteFrom('outbox.tenant_flow_control').where('tenant_id', '=', tenant).execute();
    return undefined;
  }
  await db
    .insertInto('outbox.tenant_flow_control')
    .values({ tenant_id: tenant, flow_control: JSON.stringify(parsed) })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ flow_control: JSON.stringify(parsed), updated_at: sql`now()` }))
    .execute();
  return parsed;
}

/** Every tenant default, by tenant. */
export async function listTenantFlowControl(db: Kysely<Database>): Promise<{ tenant: string; limits: FlowControlSettings }[]> {
  const rows = await db.selectFrom('outbox.tenant_flow_control').select(['tenant_id', 'flow_control']).orderBy('tenant_id').execute();
  return rows.map((row) => ({ tenant: row.tenant_id, limits: flowControlSchema.catch({}).parse(row.flow_control) }));
}

/** The tenant's default limits, or undefined (read once per routed event). */
export async function tenantFlowControl(db: Kysely<Database>, tenant: string): Promise<FlowControlSettings | undefined> {
  const row = await db.selectFrom('outbox.tenant_flow_control').select('flow_control').where('tenant_id', '=', tenant).executeTakeFirst();
  return tenantLimitsOf(row?.flow_control);
}

/** A tenant's stored limits, or undefined when it has none (or they are unreadable). */
export function tenantLimitsOf(stored: unknown): FlowControlSettings | undefined {
  const parsed = stored == null ? undefined : flowControlSchema.safeParse(stored);
  return parsed?.success && Object.keys(parsed.data).length > 0 ? parsed.data : undefined;
}
