import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { sealTargetSecrets } from './seal-target-secrets.js';

/** What a reseal did: rows looked at and rows rewritten. */
export interface ResealReport {
  subscriptions: number;
  resealed: number;
}

/**
 * Seals every subscription's secrets with the box's current key: values stored in clear (from
 * before a key was set) and values sealed with an older key (a rotation: list the new key first
 * in OUTBOX_SECRET_KEYS, reseal, then drop the old key). One row per transaction, locked, so a
 * reseal can run beside the engine and be stopped and rerun at any point; a rerun rewrites
 * nothing that is already current. `onProgress` is called after each row.
 *
 * @example
 * const { resealed } = await resealSubscriptionSecrets(db, SecretBox.fromEnv(process.env));
 */
export async function resealSubscriptionSecrets(
  db: Kysely<Database>,
  box: SecretBox,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ResealReport> {
  const ids = (await db.selectFrom('outbox.subscriptions').select('id').orderBy('id').execute()).map((row) => row.id);
  let resealed = 0;
  for (const [index, id] of ids.entries()) {
    const changed = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ target_kind: string; target_config: unknown }>`
        SELECT target_kind, target_config FROM outbox.subscriptions WHERE id = ${id} FOR UPDATE`.execute(trx);
      const row = rows[0];
      if (!row) return false;
      const { config } = sealTargetSecrets(row.target_kind, row.target_config, box, { fromInput: false });
      const next = JSON.stringify(config);
      if (next === JSON.stringify(row.target_config)) return false;
      await sql`UPDATE outbox.subscriptions SET target_config = ${next}::jsonb, updated_at = now() WHERE id = ${id}`.execute(trx);
      return true;
    });
    if (changed) resealed += 1;
    onProgress(index + 1, ids.length);
  }
  return { subscriptions: ids.length, resealed };
}
