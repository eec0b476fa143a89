import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Per-tenant tokens for the realtime stream: `v1.<expiry unix seconds>.<base64url HMAC-SHA256
 * of "tenant.expiry">` with OUTBOX_REALTIME_SECRET. Stateless, so any engine can check them;
 * give each browser a short-lived one from your backend.
 *
 * @example
 * const token = signStreamToken(secret, 'acme', 3_600_000);
 * new EventSource(`/v1/stream?tenant=acme&token=${token}`);
 */
export function signStreamToken(secret: string, tenant: string, ttlMs: number, now: number = Date.now()): string {
  const expiry = Math.floor((now + ttlMs) / 1000);
  return `v1.${expiry}.${mac(secret, tenant, expiry)}`;
}

function mac(secret: string, tenant: string, expiry: number): string {
  return createHmac('sha256', secret).update(`${tenant}.${expiry}`).digest('base64url');
}

/** Why a token was refused, or undefined when it is valid for the tenant now. */
export function checkStreamToken(secret: string, token: string, tenant: string, now: number = Date.now()): string | undefined {
  const match = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) return 'malformed token';
  const expiry = Number(match[1]);
  const expected = Buffer.from(mac(secret, tenant, expiry));
  const given = Buffer.from(match[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'token is not valid for this tenant';
  if (expiry * 1000 < now) return 'token expired';
  return undefined;
}
