import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { ApiPrincipal } from './api-key-store.js';
import { actorOf } from './authenticate-request.js';

/**
 * Runs `work` in one transaction as the principal: a tenant key's work runs as the role
 * `outbox_tenant_api` with `app.tenant_id` set, so PostgreSQL's row-level security (migration
 * 0025) decides which rows it sees and may write, not route code alone; an operator key's as
 * the engine. `outbox.actor` names the key (or portal link) for the subscription audit. Either all of `work` is
 * written or none of it.
 *
 * @example
 * const rows = await inScope(db, principal, (trx) => listSubscriptions(trx));
 */
export async function inScope<T>(db: Kysely<Database>, principal: ApiPrincipal, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('outbox.actor', ${actorOf(principal)}, true)`.execute(trx);
    if (principal.scope === 'tenant') {
      await sql`SET LOCAL ROLE outbox_tenant_api`.execute(trx);
      await sql`SELECT set_config('app.tenant_id', ${principal.tenant}, true)`.execute(trx);
    }
    return work(trx);
  });
}
