import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** The largest id PostgreSQL's bigint holds: longer digit strings are no id. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** True for a string that can be a bigint id (digits, within bigint's range). */
export function isBigintId(value: string): boolean {
  return /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT;
}

/** A name that several subscriptions of different tenants share: the caller must say which. */
export class AmbiguousSubscriptionError extends Error {
  override readonly name = 'AmbiguousSubscriptionError';
  constructor(
    readonly reference: string,
    readonly matches: { id: string; tenant: string }[],
  ) {
    super(
      `${matches.length} subscriptions are named "${reference}" (${matches.map((match) => `${match.tenant}/${reference}, id ${match.id}`).join('; ')}); ` +
        `name one by its id or as TENANT/NAME.`,
    );
  }
}

/**
 * The id of the one subscription a reference names, among the rows `db` may see (a tenant key's
 * scope sees its own), or undefined. A reference is:
 * - an id (digits): that subscription, and only if no id matches, a subscription of that name
 *   (names made before 0031 could be digits; new ones cannot);
 * - `TENANT/NAME` (a star for the tenant: the one for every tenant): that tenant's subscription of that name;
 * - a name: the subscription of that name; several tenants' → AmbiguousSubscriptionError.
 *
 * Names are unique per tenant, so one reference never acts on two subscriptions.
 *
 * @example
 * const id = await findSubscriptionId(db, 'acme/erp');
 */
export async function findSubscriptionId(db: Kysely<Database>, reference: string): Promise<string | undefined> {
  if (isBigintId(reference)) {
    const byId = await db.selectFrom('outbox.subscriptions').select('id').where('id', '=', reference).executeTakeFirst();
    if (byId) return byId.id;
  }
  const slash = reference.indexOf('/');
  let query = db.selectFrom('outbox.subscriptions').select(['id', 'tenant_id']).orderBy('id').limit(10);
  query =
    slash > 0 ? query.where('tenant_id', '=', reference.slice(0, slash)).where('name', '=', reference.slice(slash + 1)) : query.where('name', '=', reference);
  const rows = await query.execute();
  if (rows.length > 1)
    throw new AmbiguousSubscriptionError(
      reference,
      rows.map((row) => ({ id: row.id, tenant: row.tenant_id })),
    );
  return rows[0]?.id;
}
