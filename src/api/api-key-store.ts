import { isBigintId } from '../subscriptions/find-subscription.js';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * Who a request to the management API comes from: an operator key, or one tenant's key or
 * portal link (api/portal-links.ts; its `keyId` is then the link's id, not an API key's).
 */
export type ApiPrincipal =
  { keyId: string; scope: 'operator' } | { keyId: string; scope: 'tenant'; tenant: string; portalLink?: { id: string; expiresAt: string } };

/** An API key as listed: never the key itself, which is shown once, at creation. */
export interface ApiKeySummary {
  id: string;
  /** The key's public first part (`obk_…`), to recognise it. */
  prefix: string;
  name: string;
  scope: 'operator' | 'tenant';
  tenant: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  prefix: string;
  name: string;
  scope: 'operator' | 'tenant';
  tenant_id: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const KEY_SHAPE = /^(obk_[A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;
const TENANT_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const hashOf = (key: string) => createHash('sha256').update(key).digest();
const summarise = (row: ApiKeyRow): ApiKeySummary => ({
  id: String(row.id),
  prefix: row.prefix,
  name: row.name,
  scope: row.scope,
  tenant: row.tenant_id,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/**
 * Creates an API key and returns it with its summary; the key itself is not stored (only its
 * SHA-256), so this is the only time it can be shown.
 *
 * @example
 * const { key } = await createApiKey(db, { name: 'billing service', scope: 'tenant', tenant: 'acme' });
 * // send it as: Authorization: Bearer <key>
 */
export async function createApiKey(
  db: Kysely<Database>,
  input: { name: string; scope: 'operator' } | { name: string; scope: 'tenant'; tenant: string },
): Promise<{ key: string; summary: ApiKeySummary }> {
  if (input.name.length < 1 || input.name.length > 200) throw new Error('name: give the key a name of 1 to 200 characters, e.g. --name "billing service"');
  if (input.scope === 'tenant' && !TENANT_SHAPE.test(input.tenant))
    throw new Error(`tenant: "${input.tenant}" is not a tenant id (letters, digits, "_", "." or "-", up to 128)`);
  // 9 random bytes name the key (12 characters), 32 more are its secret (43 characters).
  const prefix = `obk_${randomBytes(9).toString('base64url')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  const { rows } = await sql<ApiKeyRow>`
    INSERT INTO outbox.api_keys (prefix, key_hash, name, scope, tenant_id)
    VALUES (${prefix}, ${hashOf(key)}, ${input.name}, ${input.scope}, ${input.scope === 'tenant' ? input.tenant : null})
    RETURNING id, prefix, name, scope, tenant_id, created_at, last_used_at, revoked_at`.execute(db);
  return { key, summary: summarise(rows[0]!) };
}

/**
 * Lists API keys, oldest first, revoked ones included (with when).
 *
 * @example
 * for (const k of await listApiKeys(db)) console.log(k.prefix, k.scope, k.tenant ?? '-');
 */
export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeySummary[]> {
  const { rows } =
    await sql<ApiKeyRow>`SELECT id, prefix, name, scope, tenant_id, created_at, last_used_at, revoked_at FROM outbox.api_keys ORDER BY id`.execute(db);
  return rows.map(summarise);
}

/**
 * Revokes a key by id or prefix; it stops working at once. Returns it, or undefined when no
 * unrevoked key matched.
 *
 * @example
 * await revokeApiKey(db, 'obk_AbCdEfGhIjKl');
 */
export async function revokeApiKey(db: Kysely<Database>, idOrPrefix: string): Promise<ApiKeySummary | undefined> {
  const byId = isBigintId(idOrPrefix) ? idOrPrefix : null;
  const { rows } = await sql<ApiKeyRow>`
    UPDATE outbox.api_keys SET revoked_at = now()
     WHERE revoked_at IS NULL AND (prefix = ${idOrPrefix} OR id = ${byId}::bigint)
    RETURNING id, prefix, name, scope, tenant_id, created_at, last_used_at, revoked_at`.execute(db);
  return rows[0] && summarise(rows[0]);
}

/**
 * The principal a presented key stands for, or undefined for a malformed, unknown or revoked
 * key. The row is found by the key's public prefix; the whole key's hash is then compared in
 * constant time. Marks the key used (at most once a minute, so a busy key writes rarely).
 *
 * @example
 * const principal = await authenticateApiKey(db, bearerToken);
 */
export async function authenticateApiKey(db: Kysely<Database>, presented: string): Promise<ApiPrincipal | undefined> {
  const match = KEY_SHAPE.exec(presented);
  if (!match) return undefined;
  const { rows } = await sql<{ id: string; key_hash: Buffer; scope: 'operator' | 'tenant'; tenant_id: string | null; stale: boolean }>`
    SELECT id, key_hash, scope, tenant_id, (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
      FROM outbox.api_keys WHERE prefix = ${match[1]} AND revoked_at IS NULL`.execute(db);
  const row = rows[0];
  if (!row || !timingSafeEqual(row.key_hash, hashOf(presented))) return undefined;
  if (row.stale) await sql`UPDATE outbox.api_keys SET last_used_at = now() WHERE id = ${row.id}`.execute(db);
  const keyId = String(row.id);
  return row.scope === 'tenant' ? { keyId, scope: 'tenant', tenant: row.tenant_id! } : { keyId, scope: 'operator' };
}
