import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { HttpProblem } from './http-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for a POST with Idempotency-Key whose answer is to be kept (see honourIdempotencyKeys). */
    idempotency?: { keyId: string; key: string; hash: Buffer };
  }
}

/** Fields of an answer that are shown once and never kept: signing secrets, portal link tokens. */
const SHOWN_ONCE = ['secret', 'token'];

/**
 * The answer as kept for replays: without the secrets it showed once (a generated signing
 * secret, a portal link's token and the URL carrying it). A replay says so in `shownOnce`.
 */
function withoutSecrets(payload: string): string {
  let answer: unknown;
  try {
    answer = JSON.parse(payload);
  } catch {
    return payload;
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return payload;
  const kept = { ...(answer as Record<string, unknown>) };
  const removed = SHOWN_ONCE.filter((field) => field in kept);
  for (const field of removed) delete kept[field];
  if (typeof kept.url === 'string' && kept.url.includes('#portal=')) {
    kept.url = kept.url.slice(0, kept.url.indexOf('#portal='));
    removed.push('url');
  }
  return removed.length > 0 ? JSON.stringify(kept) : payload;
}

/**
 * Every POST under /v1 honours `Idempotency-Key` (per API key, for 24 h): a repeat with the
 * same body gets the first answer again without running anything (`idempotent-replayed:
 * true`); the same key with another body is refused with 422. Only successful answers are
 * kept, so a refused request may be fixed and sent again with the same key. A secret an answer
 * shows once (a generated signing secret, a portal link's token) is not kept: the replay lacks it.
 * Kept answers are deleted after their day. Hooks, so no route can forget it.
 *
 * @example
 * honourIdempotencyKeys(api, db); // after the authentication hook
 */
export function honourIdempotencyKeys(api: FastifyInstance, db: Kysely<Database>): void {
  api.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.principal) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new HttpProblem(400, 'Invalid Idempotency-Key', 'Idempotency-Key must be 1 to 255 characters, e.g. a UUID; send one header.', [
        { field: 'header.idempotency-key', message: 'must be 1 to 255 characters' },
      ]);
    }
    if (request.principal.scope === 'tenant' && request.principal.portalLink) {
      throw new HttpProblem(
        400,
        'Idempotency-Key needs an API key',
        "A portal link's requests are not kept for replay; leave Idempotency-Key out, or use an API key.",
        [{ field: 'header.idempotency-key', message: 'is not honoured for portal links' }],
      );
    }
    const keyId = request.principal.keyId;
    const hash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest();
    const { rows } = await sql<{ request_hash: Buffer; status: number; response: unknown }>`
      SELECT request_hash, status, response FROM outbox.api_idempotency
       WHERE api_key_id = ${keyId} AND idempotency_key = ${key} AND created_at > now() - interval '24 hours'`.execute(db);
    const earlier = rows[0];
    if (!earlier) return void (request.idempotency = { keyId, key, hash });
    if (!earlier.request_hash.equals(hash)) {
      throw new HttpProblem(
        422,
        'Idempotency-Key reused',
        `Idempotency-Key "${key.slice(0, 64)}" was used within the last 24 h for a different request; use a new key for a new request.`,
      );
    }
    await reply.code(earlier.status).header('idempotent-replayed', 'true').type('application/json').send(JSON.stringify(earlier.response));
  });
  let lastPurge = 0;
  api.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const pending = request.idempotency;
    if (!pending || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    // Answers older than their day are deleted, at most once a minute per process.
    if (Date.now() - lastPurge > 60_000) {
      lastPurge = Date.now();
      await sql`DELETE FROM outbox.api_idempotency WHERE created_at <= now() - interval '24 hours'`.execute(db);
    }
    await sql`
      INSERT INTO outbox.api_idempotency (api_key_id, idempotency_key, request_hash, status, response)
      VALUES (${pending.keyId}, ${pending.key}, ${pending.hash}, ${reply.statusCode}, ${withoutSecrets(payload)}::jsonb)
      ON CONFLICT (api_key_id, idempotency_key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status, response = excluded.response, created_at = now()
       WHERE outbox.api_idempotency.created_at <= now() - interval '24 hours'`.execute(db);
    return payload;
  });
}
