import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { readOutboxStatus } from '../../outbox/read-status.js';
import { problemResponses } from '../api-schemas.js';
import { requireOperator } from '../authenticate-request.js';

const count = z.number().int();
const statusSchema = z
  .object({
    pending: count,
    oldestPendingAgeSeconds: z.number().nullable(),
    byStatus: z.record(z.string(), count),
    openDeadLetters: count,
    oldestDeadLetterAgeSeconds: z.number().nullable(),
    breakers: z.array(
      z.object({
        endpoint: z.string(),
        state: z.string(),
        consecutiveFailures: count,
        failingSince: z.string().nullable(),
        nextProbeAt: z.string().nullable(),
        lastError: z.string().nullable(),
      }),
    ),
    disabledSubscriptions: z.array(z.object({ name: z.string(), reason: z.string().nullable() })),
    blockedLanes: z.array(
      z.object({
        subscription: z.string(),
        tenant: z.string(),
        orderingKey: z.string(),
        blockedByEventId: z.string(),
        deadLetterId: z.string(),
        waiting: count,
      }),
    ),
    orphanedLanes: z.array(z.record(z.string(), z.unknown())),
    heldTenants: z.array(z.object({ tenant: z.string(), pending: count, unfinished: count })),
    endpoints: z.array(
      z.object({
        subscription: z.string(),
        tenant: z.string(),
        inFlight: count,
        firstPass: count,
        heldBack: z.enum(['slow', 'busy']).optional(),
        averageMs: z.number(),
        workers: count,
      }),
    ),
  })
  .meta({ id: 'Status' });

/** `GET /v1/status`: the figures of `outbox status --json`, for operator keys. */
export function statusRoutes(deps: { db: Kysely<Database>; tenantWindow: { maxUnfinished: number; windowMs: number } }) {
  return (app: FastifyInstance): void => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/v1/status',
      {
        schema: { tags: ['status'], summary: 'The outbox at a glance (as `outbox status --json`)', response: { 200: statusSchema, ...problemResponses } },
      },
      async (request) => {
        requireOperator(request, 'The installation-wide status');
        const status = await readOutboxStatus(deps.db, deps.tenantWindow);
        // Dates as ISO strings, as everywhere in the API.
        return JSON.parse(JSON.stringify(status)) as z.input<typeof statusSchema>;
      },
    );
  };
}
