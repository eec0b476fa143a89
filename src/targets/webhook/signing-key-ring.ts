import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { SecretBox } from '../../secrets/secret-box.js';

/** A key that signs now: its id and its private key (held in memory only). */
export interface ActiveSigningKey {
  id: string;
  privateKey: KeyObject;
}

/** A key as receivers see it: the JWK of its public half, with the Standard Webhooks `whpk_` form and its expiry. */
export interface PublishedSigningKey {
  kty: 'OKP';
  crv: 'Ed25519';
  alg: 'EdDSA';
  use: 'sig';
  kid: string;
  /** The raw public key, base64url (RFC 8037). */
  x: string;
  /** The same key as Standard Webhooks writes it: `whpk_` + base64. */
  whpk: string;
  createdAt: string;
  /** When a rotated key stops signing and leaves this list; null for the current key. */
  expiresAt: string | null;
}

/** How long a worker keeps the keys it read: a rotation reaches every worker within this. */
export const SIGNING_KEY_CACHE_MS = 30_000;

/**
 * The Standard Webhooks asymmetric signature (`v1a`): ed25519 over `{id}.{timestamp}.{body}`.
 *
 * @example
 * const signature = signV1a(key.privateKey, 'msg_1', 1700000000, '{"a":1}'); // 'v1a,…'
 */
export function signV1a(privateKey: KeyObject, messageId: string, timestampSeconds: number, body: string): string {
  return `v1a,${sign(null, Buffer.from(`${messageId}.${timestampSeconds}.${body}`), privateKey).toString('base64')}`;
}

interface KeyRow {
  id: string;
  public_key: string;
  private_key: string;
  created_at: Date;
  expires_at: Date | null;
}

/** Rows that sign or are listed now: the current key and rotated ones still in their grace. */
async function liveRows(db: Kysely<Database>): Promise<KeyRow[]> {
  const { rows } = await sql<KeyRow>`
    SELECT id, public_key, private_key, created_at, expires_at FROM outbox.signing_keys
     WHERE expires_at IS NULL OR expires_at > now() ORDER BY expires_at DESC NULLS FIRST, created_at DESC`.execute(db);
  return rows;
}

/** A new key pair as a row: the public half raw, the seed sealed. */
function newKeyRow(box: SecretBox): { id: string; public_key: string; private_key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return {
    id: `key_${day}_${randomBytes(4).toString('hex')}`,
    public_key: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
    private_key: box.seal(Buffer.from(jwk.d!, 'base64url').toString('base64')),
  };
}

/**
 * The engine's ed25519 signing keys, from `outbox.signing_keys`. A worker reads them at most
 * every SIGNING_KEY_CACHE_MS (never per event), and creates the first key when a subscription
 * first asks for ed25519 signatures; the private key never leaves the process but sealed.
 *
 * @example
 * const ring = new SigningKeyRing(db, SecretBox.fromEnv(process.env));
 * const keys = await ring.active(); // the current key, and a rotated one during its grace
 */
export class SigningKeyRing {
  private cached: { at: number; keys: Promise<ActiveSigningKey[]> } | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  /** The keys that sign now, newest first; the first key is created if there is none. */
  active(): Promise<ActiveSigningKey[]> {
    if (!this.cached || Date.now() - this.cached.at > SIGNING_KEY_CACHE_MS) {
      const keys = this.load();
      this.cached = { at: Date.now(), keys };
      // A failed read is not kept: the next attempt reads again.
      keys.catch(() => (this.cached = undefined));
    }
    return this.cached.keys;
  }

  private async load(): Promise<ActiveSigningKey[]> {
    let rows = await liveRows(this.db);
    if (rows.length === 0) {
      await this.db
        .insertInto('outbox.signing_keys')
        .values(newKeyRow(this.box))
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      rows = await liveRows(this.db);
    }
    return rows.map((row) => {
      const d = Buffer.from(this.box.open(row.private_key), 'base64').toString('base64url');
      const x = Buffer.from(row.public_key, 'base64').toString('base64url');
      return { id: row.id, privateKey: createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d, x }, format: 'jwk' }) };
    });
  }
}

/**
 * Makes a new current key; the old one keeps signing (deliveries carry both signatures) and
 * stays published until `graceMs` from now. One transaction, the current row locked.
 *
 * @example
 * const { id, previousUntil } = await rotateSigningKey(db, box, { graceMs: 24 * 60 * 60_000 });
 */
export async function rotateSigningKey(
  db: Kysely<Database>,
  box: SecretBox,
  options: { graceMs: number },
): Promise<{ id: string; previous: string | null; previousUntil: Date | null }> {
  return db.transaction().execute(async (trx) => {
    const until = new Date(Date.now() + Math.max(0, options.graceMs));
    const { rows } = await sql<{ id: string }>`
      UPDATE outbox.signing_keys SET expires_at = ${until} WHERE expires_at IS NULL RETURNING id`.execute(trx);
    // Keys rotated earlier leave no later than this one: a rotation with no grace stops them all.
    await sql`UPDATE outbox.signing_keys SET expires_at = ${until} WHERE expires_at > ${until}`.execute(trx);
    const row = newKeyRow(box);
    await trx.insertInto('outbox.signing_keys').values(row).execute();
    const previous = rows[0]?.id ?? null;
    return { id: row.id, previous, previousUntil: previous === null ? null : until };
  });
}

/**
 * The public keys receivers verify with: the current one and those still in their grace.
 *
 * @example
 * const { keys } = await publishedSigningKeys(db); // a JWKS
 */
export async function publishedSigningKeys(db: Kysely<Database>): Promise<{ keys: PublishedSigningKey[] }> {
  const rows = await liveRows(db);
  return {
    keys: rows.map((row) => ({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
      kid: row.id,
      x: Buffer.from(row.public_key, 'base64').toString('base64url'),
      whpk: `whpk_${row.public_key}`,
      createdAt: row.created_at.toISOString(),
      expiresAt: row.expires_at?.toISOString() ?? null,
    })),
  };
}
