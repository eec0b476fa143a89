import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { InvalidEventTypeError, listEventTypes, registerEventType, removeEventType, type EventType } from '../../catalog/event-type-store.js';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { problemResponses, timestamp } from '../api-schemas.js';
import { requireOperator } from '../authenticate-request.js';

const eventTypeSchema = z
  .object({
    type: z.string(),
    version: z.number().int(),
    description: z.string().nullable(),
    schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the payload'),
    deprecated: z.boolean(),
    updatedAt: timestamp,
  })
  .meta({ id: 'EventType' });
const typeParams = z.object({ type: z.string().max(200) }).strict();
const versionParams = typeParams.extend({ version: z.coerce.number().int().min(1).max(32_767) }).strict();
const show = (entry: EventType) => ({ ...entry, updatedAt: entry.updatedAt.toISOString() });

/**
 * `/v1/event-types`: the catalog, readable with any key (consumers learn what they will
 * receive); registering and removing versions needs an operator key.
 */
export function eventTypeRoutes(deps: { db: Kysely<Database> }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['event types'];
    api.get(
      '/v1/event-types',
      { schema: { tags, summary: 'The event-type catalog', response: { 200: z.object({ items: z.array(eventTypeSchema) }), ...problemResponses } } },
      async () => ({
        items: (await listEventTypes(deps.db)).map(show),
      }),
    );
    api.get(
      '/v1/event-types/:type',
      {
        schema: {
          tags,
          summary: "One type's versions",
          params: typeParams,
          response: { 200: z.object({ items: z.array(eventTypeSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const versions = await listEventTypes(deps.db, request.params.type);
        if (versions.length === 0)
          throw new HttpProblem(
            404,
            'Event type not found',
            `No event type "${request.params.type.slice(0, 200)}" in the catalog; list them with GET /v1/event-types.`,
          );
        return { items: versions.map(show) };
      },
    );
    api.put(
      '/v1/event-types/:type/versions/:version',
      {
        schema: {
          tags,
          summary: 'Register or replace a version of an event type with its JSON Schema',
          params: versionParams,
          body: z
            .object({ schema: z.record(z.string(), z.unknown()), description: z.string().max(2_000).optional(), deprecated: z.boolean().optional() })
            .strict(),
          response: { 200: eventTypeSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireOperator(request, 'Registering event types');
        try {
          return show(await registerEventType(deps.db, { type: request.params.type, version: request.params.version, ...request.body }));
        } catch (error) {
          if (!(error instanceof InvalidEventTypeError)) throw error;
          throw new HttpProblem(
            400,
            'Invalid event type',
            error.message,
            error.issues.map((issue) => ({ field: issue.field === 'type' ? 'params.type' : `body.${issue.field}`, message: issue.message })),
          );
        }
      },
    );
    api.delete(
      '/v1/event-types/:type/versions/:version',
      {
        schema: {
          tags,
          summary: 'Remove a version (its payloads are no longer checked)',
          params: versionParams,
          response: { 204: z.null().describe('removed'), ...problemResponses },
        },
      },
      async (request, reply) => {
        requireOperator(request, 'Removing event types');
        if ((await removeEventType(deps.db, request.params.type, request.params.version)) === 0)
          throw new HttpProblem(404, 'Event type not found', `No ${request.params.type} v${request.params.version} in the catalog.`);
        return reply.code(204).send(null);
      },
    );
  };
}
