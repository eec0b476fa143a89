// Forges a portal link's token with any expiry, signed with the installation's real key (read
// from outbox.settings as the test's superuser): how the tests get a link that has already
// expired, which `createPortalLink` refuses to make (its shortest life is a minute).
import { createHmac } from 'node:crypto';
import type { Pool } from 'pg';

export async function signedPortalToken(pool: Pool, claims: { tenant: string; expiresAt: Date }): Promise<string> {
  const { rows } = await pool.query<{ value: string }>(`SELECT value FROM outbox.settings WHERE name = 'portal_signing_key'`);
  const body = Buffer.from(JSON.stringify({ t: claims.tenant, e: Math.floor(claims.expiresAt.getTime() / 1000), n: 'forged-in-test' })).toString('base64url');
  const signature = createHmac('sha256', Buffer.from(rows[0]!.value, 'hex')).update(body).digest('base64url');
  return `obp_${body}.${signature}`;
}
