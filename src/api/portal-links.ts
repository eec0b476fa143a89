import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { ApiPrincipal } from './api-key-store.js';

// Portal links open the web console for one tenant. A link's token is `obp_<claims>.<signature>`:
// the claims (tenant, expiry, a random id) in base64url JSON, signed with HMAC-SHA256 by the
// installation's portal key (migration 0029). Nothing is stored per link. The token travels in
// the URL's fragment (`/console/#portal=…`), which browsers never send, so it is in no access log.

const TOKEN_SHAPE = /^obp_([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;
const TENANT_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** A portal link lives at most this long (30 days). */
export const MAX_PORTAL_LINK_SECONDS = 30 * 24 * 3600;

interface Claims {
  /** tenant */
  t: string;
  /** expiry, seconds since the epoch */
  e: number;
  /** the link's id, for the audit and for revoking it */
  n: string;
  /** issued at, milliseconds since the epoch (links made before revocation existed lack it: issued at 0) */
  i?: number;
}

/** What a portal token turned out to be when checked. */
export type PortalTokenCheck = { valid: true; principal: ApiPrincipal } | { valid: false; expiredAt?: Date; revokedAt?: Date };

/** A new portal link's token and its facts. */
export interface PortalLink {
  token: string;
  tenant: string;
  expiresAt: Date;
  /** The link's id: the audit names it as `portal-link:<id>`. */
  id: string;
}

const signingKeys = new WeakMap<object, Promise<Buffer>>();

async function signingKey(db: Kysely<Database>): Promise<Buffer> {
  let key = signingKeys.get(db);
  if (!key) {
    key = db
      .selectFrom('outbox.settings')
      .select('value')
      .where('name', '=', 'portal_signing_key')
      .executeTakeFirst()
      .then((row) => {
        if (!row) throw new Error('portal links: the portal signing key is missing; run `outbox migrate` (migration 0029 makes it)');
        return Buffer.from(row.value, 'hex');
      });
    key.catch(() => signingKeys.delete(db));
    signingKeys.set(db, key);
  }
  return key;
}

const sign = (key: Buffer, claims: string) => createHmac('sha256', key).update(claims).digest();

/**
 * Makes a portal link's token for one tenant, valid for `expiresInSeconds` (1 minute to 30 days).
 *
 * @example
 * const link = await createPortalLink(db, { tenant: 'acme', expiresInSeconds: 3600 });
 * console.log(`http://127.0.0.1:8080/console/#portal=${link.token}`);
 */
export async function createPortalLink(db: Kysely<Database>, input: { tenant: string; expiresInSeconds: number }): Promise<PortalLink> {
  if (!TENANT_SHAPE.test(input.tenant)) throw new Error(`tenant: "${input.tenant}" is not a tenant id (letters, digits, "_", "." or "-", up to 128)`);
  if (!Number.isInteger(input.expiresInSeconds) || input.expiresInSeconds < 60 || input.expiresInSeconds > MAX_PORTAL_LINK_SECONDS) {
    throw new Error(`expires: ${input.expiresInSeconds} s is out of range; give 1 minute to 30 days, e.g. --expires 1h`);
  }
  const expiresAt = new Date(Math.floor(Date.now() / 1000 + input.expiresInSeconds) * 1000);
  const id = randomBytes(9).toString('base64url');
  const claims = Buffer.from(JSON.stringify({ t: input.tenant, e: expiresAt.getTime() / 1000, n: id, i: Date.now() } satisfies Claims)).toString('base64url');
  const signature = sign(await signingKey(db), claims).toString('base64url');
  return { token: `obp_${claims}.${signature}`, tenant: input.tenant, expiresAt, id };
}

/** Whether a bearer token is shaped as a portal link's (and so is not an API key). */
export const isPortalToken = (token: string): boolean => token.startsWith('obp_');

/**
 * Checks a portal token: its signature (in constant time), its expiry, then whether it was
 * revoked (by its id, or with every link of its tenant issued before). A valid one stands for
 * its tenant, as a tenant API key does; an expired or revoked one says when.
 *
 * @example
 * const check = await checkPortalToken(db, token);
 * if (!check.valid) console.log(check.expiredAt ? 'expired' : 'not a link of this installation');
 */
export async function checkPortalToken(db: Kysely<Database>, token: string): Promise<PortalTokenCheck> {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return { valid: false };
  const expected = sign(await signingKey(db), match[1]!);
  if (!timingSafeEqual(expected, Buffer.from(match[2]!, 'base64url'))) return { valid: false };
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as Claims;
  } catch {
    return { valid: false };
  }
  if (typeof claims.e !== 'number' || typeof claims.t !== 'string' || typeof claims.n !== 'string') return { valid: false };
  const expiresAt = new Date(claims.e * 1000);
  if (expiresAt.getTime() <= Date.now()) return { valid: false, expiredAt: expiresAt };
  const revoked = await db
    .selectFrom('outbox.portal_link_revocations')
    .select('revoked_at')
    .where((eb) => eb.or([eb('link_id', '=', claims.n), eb.and([eb('tenant_id', '=', claims.t), eb('revoked_at', '>=', new Date(claims.i ?? 0))])]))
    .orderBy('revoked_at')
    .limit(1)
    .executeTakeFirst();
  if (revoked) return { valid: false, revokedAt: revoked.revoked_at };
  return { valid: true, principal: { keyId: claims.n, scope: 'tenant', tenant: claims.t, portalLink: { id: claims.n, expiresAt: expiresAt.toISOString() } } };
}

/**
 * Revokes portal links before they expire: one by its id (`PortalLink.id`, shown when made), or
 * every link of a tenant made until now. Returns when the revocation took effect.
 *
 * @example
 * await revokePortalLinks(db, { tenant: 'acme' }, 'cli:alice');
 */
export async function revokePortalLinks(db: Kysely<Database>, which: { id: string } | { tenant: string }, actor: string): Promise<Date> {
  if ('tenant' in which && !TENANT_SHAPE.test(which.tenant))
    throw new Error(`tenant: "${which.tenant}" is not a tenant id (letters, digits, "_", "." or "-", up to 128)`);
  if ('id' in which && !/^[A-Za-z0-9_-]{1,64}$/.test(which.id)) throw new Error(`id: "${which.id.slice(0, 64)}" is not a portal link id`);
  const row = await db
    .insertInto('outbox.portal_link_revocations')
    .values({ ...('id' in which ? { link_id: which.id } : { tenant_id: which.tenant }), actor })
    .returning('revoked_at')
    .executeTakeFirstOrThrow();
  return row.revoked_at;
}
