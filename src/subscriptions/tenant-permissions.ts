import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { tenantIdSchema } from '../events/event-formats.js';
import { TARGET_KIND_NAMES } from '../targets/target-registry.js';
import { InvalidSubscriptionError } from './subscription-store.js';

/** Kinds every tenant key may use: HTTP endpoints and the realtime stream (one rule, in SQL: outbox.tenant_may_target). */
export const TENANT_TARGET_KINDS = ['webhook', 'slack', 'n8n', 'realtime'] as const;

/** The kinds an operator may open to a tenant: those that connect to brokers. */
export const BROKER_TARGET_KINDS = TARGET_KIND_NAMES.filter((kind) => !(TENANT_TARGET_KINDS as readonly string[]).includes(kind));

/** A tenant's permissions: the target kinds beyond the defaults its keys may use. */
export interface TenantPermissions {
  tenant: string;
  targetKinds: string[];
}

/**
 * Lets a tenant's own keys (API and portal links) create subscriptions of these broker kinds;
 * an empty list takes them away again (existing subscriptions keep delivering). Broker targets
 * still go through the address policy, and `allowPrivateAddresses` stays an operator's setting.
 *
 * @example
 * await setTenantPermissions(db, 'acme', ['redis-stream', 'nats']);
 */
export async function setTenantPermissions(db: Kysely<Database>, tenant: string, targetKinds: string[]): Promise<TenantPermissions> {
  const issues = [
    ...(tenantIdSchema.safeParse(tenant).success ? [] : [{ field: 'tenant', message: 'is not a valid tenant id' }]),
    ...targetKinds
      .filter((kind) => !BROKER_TARGET_KINDS.includes(kind as (typeof BROKER_TARGET_KINDS)[number]))
      .map((kind) => ({
        field: 'targetKinds',
        message: (TENANT_TARGET_KINDS as readonly string[]).includes(kind)
          ? `"${kind}" is open to every tenant already`
          : `"${kind}" is not a broker target kind (${BROKER_TARGET_KINDS.join(', ')})`,
      })),
  ];
  if (issues.length > 0) {
    throw new InvalidSubscriptionError(`Invalid tenant permissions: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}. Nothing was saved.`, issues);
  }
  const kinds = [...new Set(targetKinds)].sort();
  if (kinds.length === 0) {
    await db.deleteFrom('outbox.tenant_permissions').where('tenant_id', '=', tenant).execute();
  } else {
    await db
      .insertInto('outbox.tenant_permissions')
      .values({ tenant_id: tenant, target_kinds: kinds })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ target_kinds: kinds, updated_at: sql`now()` }))
      .execute();
  }
  return { tenant, targetKinds: kinds };
}

/** Every tenant with kinds beyond the defaults, by tenant. */
export async function listTenantPermissions(db: Kysely<Database>): Promise<TenantPermissions[]> {
  const rows = await db.selectFrom('outbox.tenant_permissions').select(['tenant_id', 'target_kinds']).orderBy('tenant_id').execute();
  return rows.map((row) => ({ tenant: row.tenant_id, targetKinds: row.target_kinds }));
}
