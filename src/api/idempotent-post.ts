import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { HttpProblem } from '../engine/http-errors.js';
import { principalOf } from './authenticate-request.js';

/**
 * Runs a POST once per `Idempotency-Key` (per API key): a repeat with the same body gets the
 * first answer again, without running anything; the same key with another body is refused
 * with 422. Without the header, `run` simply runs. Only successful answers are kept (a
 * refused request may be fixed and sent again with the same key).
 *
 * @example
 * return idempotent(db, request, reply, 201, () => createThing(request.body));
 */
export async function idempotent<T>(db: Kysely<Database>, request: FastifyRequest, reply: FastifyReply, status: number, run: () => Promise<T>): Promise<T> {
  const key = request.headers['idempotency-key'];
  if (key === undefined) {
    reply.code(status);
    return run();
  }
  if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
    throw new HttpProblem(400, 'Invalid Idempotency-Key', 'Idempotency-Key must be 1 to 255 characters, e.g. a UUID; send one header.', [{ field: 'header.idempotency-key', message: 'must be 1 to 255 characters' }]);
  }
  const keyId = principalOf(request).keyId;
  const hash = createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest();
  const { rows } = await sql<{ request_hash: Buffer; status: number; response: T }>`
    SELECT request_hash, status, response FROM outbox.api_idempotency
     WHERE api_key_id = ${keyId} AND idempotency_key = ${key} AND created_at > now() - interval '24 hours'`.execute(db);
  const earlier = rows[0];
  if (earlier) {
    if (!earlier.request_hash.equals(hash)) {
      throw new HttpProblem(422, 'Idempotency-Key reused', `Idempotency-Key "${key.slice(0, 64)}" was used within the last 24 h for a different request; use a new key for a new request.`);
    }
    reply.code(earlier.status).header('idempotent-replayed', 'true');
    return earlier.response;
  }
  const result = await run();
  await sql`
    INSERT INTO outbox.api_idempotency (api_key_id, idempotency_key, request_hash, status, response)
    VALUES (${keyId}, ${key}, ${hash}, ${status}, ${JSON.stringify(result)}::jsonb)
    ON CONFLICT (api_key_id, idempotency_key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status, response = excluded.response, created_at = now()
     WHERE outbox.api_idempotency.created_at <= now() - interval '24 hours'`.execute(db);
  reply.code(status);
  return result;
}
