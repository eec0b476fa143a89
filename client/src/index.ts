/**
 * The management API's client: openapi-fetch over the types generated from the document the
 * engine serves at /v1/openapi.json (management-api.ts, rewritten by the engine's API test with
 * UPDATE_API_TYPES=1, so it cannot drift). Published from the engine's repository with the
 * engine's version; the web console and the engine's tests use it too.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './management-api.js';

export type { components, operations, paths };

/** An RFC 9457 problem document, as every error answer of the API is. */
export type Problem = components['schemas']['Problem'];

/** A client of one engine, for one API key (or portal link token). */
export type OutboxClient = Client<paths>;

/**
 * A typed client: every path, parameter, body and answer is checked by TypeScript, and errors
 * come back as `error` (a Problem), never thrown.
 *
 * @example
 * const outbox = createOutboxClient({ baseUrl: 'http://127.0.0.1:8080', key: process.env.OUTBOX_API_KEY! });
 * const { data, error } = await outbox.GET('/v1/subscriptions', { params: { query: { limit: 50 } } });
 * if (error) console.error(error.title, error.detail);
 */
export function createOutboxClient(options: { baseUrl: string; key?: string; fetch?: typeof fetch }): OutboxClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.key !== undefined && { headers: { authorization: `Bearer ${options.key}` } }),
    ...(options.fetch && { fetch: options.fetch }),
  });
}
