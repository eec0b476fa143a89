import type { IncomingMessage } from 'node:http';
import { tenantIdSchema } from '../events/event-formats.js';
import { checkStreamToken } from './stream-token.js';

/** PostgreSQL's bigint: a Last-Event-ID above it is no id this stream sent. */
export const MAX_BIGINT = 9_223_372_036_854_775_807n;

/**
 * What a browser asks of `/v1/stream`: the tenant (its token checked), the channel, and where to
 * resume; or the status and words to refuse it with, saying what to send instead.
 *
 * @example
 * const asked = readStreamRequest(request, url, secret);
 * if ('status' in asked) return fail(asked.status, asked.error);
 */
export function readStreamRequest(
  request: IncomingMessage,
  url: URL,
  secret: string | undefined,
): { tenant: string; channel: string; resumeFrom: bigint | undefined } | { status: number; error: string } {
  if (!secret) return { status: 503, error: 'realtime streaming is off: set OUTBOX_REALTIME_SECRET on the engine' };
  const tenant = url.searchParams.get('tenant') ?? '';
  if (!tenantIdSchema.safeParse(tenant).success) return { status: 400, error: 'pass ?tenant=<tenant id>' };
  const channel = url.searchParams.get('channel') ?? 'default';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(channel)) return { status: 400, error: 'channel must be 1 to 64 letters, digits, "_", "." or "-"' };
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const token = url.searchParams.get('token') ?? bearer ?? '';
  const refused = checkStreamToken(secret, token, tenant);
  if (refused) return { status: 401, error: `${refused}: get a token for this tenant (outbox realtime token --tenant ${tenant})` };
  const resume = request.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined;
  if (resume === undefined) return { tenant, channel, resumeFrom: undefined };
  if (!/^\d{1,19}$/.test(String(resume)) || BigInt(String(resume)) > MAX_BIGINT) {
    return { status: 400, error: 'Last-Event-ID (or ?lastEventId=) must be the id of an event this stream sent; leave it out to start from now' };
  }
  return { tenant, channel, resumeFrom: BigInt(String(resume)) };
}
