import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ENGINE_VERSION } from '../../config/engine-version.js';
import type { Database } from '../../db/database.js';
import type { AdmissionWindow } from '../../outbox/admission-window.js';
import { readOutboxStatus } from '../../outbox/read-status.js';
import { problemResponses, timestamp } from '../api-schemas.js';
import { requireOperator } from '../authenticate-request.js';

const count = z.number().int();
const statusSchema = z
  .object({
    version: z.string().meta({ description: 'The version of the engine answering (semver, as `outbox --version`)' }),
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
        failingSince: timestamp.nullable(),
        nextProbeAt: timestamp.nullable(),
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
    admission: z
      .object({
        budget: count.meta({ description: 'OUTBOX_TENANT_MAX_UNFINISHED: the window of a tenant that is the only one sending.' }),
        minimum: count.meta({ description: 'OUTBOX_TENANT_MIN_UNFINISHED: the least the window of a tenant shrinks to.' }),
        windowMs: count,
        tenantsSending: count.meta({ description: 'Tenants with an event started within the window: they share the budget.' }),
        window: count.meta({ description: 'The window of each tenant now: its unfinished events started within the window, at most.' }),
      })
      .meta({ description: 'The admission budget, shared by the tenants sending (README Flow control).' }),
    heldTenants: z.array(z.object({ tenant: z.string(), pending: count, unfinished: count, window: count })),
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
export function statusRoutes(deps: { db: Kysely<Database>; tenantWindow: AdmissionWindow }) {
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
        return JSON.parse(JSON.stringify({ version: ENGINE_VERSION, ...status })) as z.input<typeof statusSchema>;
      },
    );
  };
}
