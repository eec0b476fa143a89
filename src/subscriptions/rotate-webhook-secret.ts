import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { isEnvReference } from '../targets/secret-reference.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { findSubscriptionId } from './find-subscription.js';
import { defaultSecretBox, generateWebhookSecret } from './subscription-store.js';

/** Most previous secrets a webhook keeps signing with (each until its grace ends). */
export const MAX_PREVIOUS_SECRETS = 3;

/** A rotation was refused; the message says why and what to do. */
export class SecretRotationError extends Error {
  override readonly name = 'SecretRotationError';
  constructor(
    message: string,
    readonly reason: 'not-found' | 'not-rotatable',
  ) {
    super(message);
  }
}

/**
 * Gives a webhook subscription a new signing secret. Until `graceMs` from now its deliveries
 * are signed with the old secret too (Standard Webhooks: several space-separated signatures),
 * so receivers can switch at their pace; a grace of 0 stops the old ones at once, and the grace
 * given caps the secrets kept from earlier rotations as well. Returns the new secret, shown once.
 * One transaction with the row locked: two rotations at once do not lose a secret.
 *
 * @example
 * const { secret } = await rotateWebhookSecret(db, 'erp', { graceMs: 24 * 60 * 60_000 });
 */
export async function rotateWebhookSecret(
  db: Kysely<Database>,
  idOrName: string,
  /** `secrets`: seals the new secret (default: the keys in process.env). */
  options: { graceMs: number; secret?: string; secrets?: SecretBox },
): Promise<{ id: string; name: string; secret: string; previousUntil: Date | null }> {
  // Inside a caller's transaction (the API's scoped one), in it; otherwise in one of its own.
  const inTransaction = <T>(work: (trx: Kysely<Database>) => Promise<T>) => (db.isTransaction ? work(db) : db.transaction().execute(work));
  return inTransaction(async (trx) => {
    const id = await findSubscriptionId(trx, idOrName);
    const { rows } = await sql<{
      id: string;
      name: string;
      target_kind: string;
      target_config: { secret?: string; previousSecrets?: { secret: string; expiresAt: string }[] };
    }>`
      SELECT id::text, name, target_kind, target_config FROM outbox.subscriptions
       WHERE id = ${id ?? null}::bigint FOR UPDATE`.execute(trx);
    const row = rows[0];
    if (!row) throw new SecretRotationError(`no subscription "${idOrName}"; see \`outbox subscriptions list\``, 'not-found');
    const current = row.target_config.secret;
    if (row.target_kind !== 'webhook' || current === undefined) {
      throw new SecretRotationError(
        `subscription ${row.name} is a ${row.target_kind} target without a signing secret; only webhooks sign their deliveries`,
        'not-rotatable',
      );
    }
    if (isEnvReference(current)) {
      throw new SecretRotationError(
        `subscription ${row.name} reads its secret from the worker's environment (${current}); rotate it where it is set`,
        'not-rotatable',
      );
    }
    const now = Date.now();
    const until = now + Math.max(0, options.graceMs);
    const previousSecrets = [{ secret: current, expiresAt: new Date(until).toISOString() }, ...(row.target_config.previousSecrets ?? [])]
      .map((previous) => ({ secret: previous.secret, expiresAt: new Date(Math.min(Date.parse(previous.expiresAt), until)).toISOString() }))
      .filter((previous) => Date.parse(previous.expiresAt) > now)
      .slice(0, MAX_PREVIOUS_SECRETS);
    const secret = options.secret ?? generateWebhookSecret();
    const box = options.secrets ?? defaultSecretBox();
    const config = { ...row.target_config, secret: box.seal(secret), ...(previousSecrets.length > 0 ? { previousSecrets } : { previousSecrets: undefined }) };
    await sql`UPDATE outbox.subscriptions SET target_config = ${JSON.stringify(config)}::jsonb, updated_at = now() WHERE id = ${row.id}`.execute(trx);
    return { id: row.id, name: row.name, secret, previousUntil: previousSecrets.length > 0 ? new Date(until) : null };
  });
}
