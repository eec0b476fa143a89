import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { searchDeliveries } from '../../outbox/search-deliveries.js';
import { readEvent, searchEvents } from '../../outbox/search-events.js';
import { getSubscription } from '../../subscriptions/subscription-store.js';
import { badCursor, decodeCursor, deliveryOutcome, encodeCursor, idString, pageQuerySchema, problemResponses, timestamp } from '../api-schemas.js';
import { principalOf } from '../authenticate-request.js';
import { inScope } from '../scoped-transaction.js';

const STATUSES = ['pending', 'dispatched', 'delivered', 'dead_lettered', 'discarded', 'expired', 'compensated'] as const;
const time = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z' });
const nullableTime = timestamp.nullable();

const eventSummarySchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    type: z.string(),
    version: z.number().int(),
    idempotencyKey: z.string(),
    status: z.enum(STATUSES),
    aggregateType: z.string().nullable(),
    aggregateId: z.string().nullable(),
    correlationId: z.string().nullable(),
    workflowId: z.string().nullable().describe("the delivery workflow's id in Temporal (null while pending)"),
    createdAt: timestamp,
    finishedAt: nullableTime,
  })
  .meta({ id: 'EventSummary' });

const eventDetailSchema = eventSummarySchema
  .extend({
    payload: z.unknown(),
    routes: z.array(
      z.object({
        subscription: z.string(),
        attempts: z.number().int(),
        lastOutcome: z.string(),
        lastStatusCode: z.number().int().nullable(),
        lastError: z.string().nullable(),
        lastAttemptAt: timestamp,
        openDeadLetterId: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Event' });

const attemptSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    subscriptionId: z.string().nullable(),
    tenant: z.string(),
    target: z.string(),
    attempt: z.number().int(),
    outcome: deliveryOutcome,
    statusCode: z.number().int().nullable(),
    durationMs: z.number(),
    error: z.string().nullable(),
    workflowId: z.string(),
    attemptedAt: timestamp,
  })
  .meta({ id: 'DeliveryAttempt' });

const eventQuerySchema = pageQuerySchema.extend({
  tenant: z.string().max(128).optional().describe("operators only; a tenant key's own tenant otherwise"),
  type: z.string().max(200).optional().describe('event type pattern, e.g. order.*'),
  status: z.enum(STATUSES).optional(),
  since: time.optional(),
  until: time.optional(),
  correlationId: z.string().max(200).optional(),
  idempotencyKey: z.string().max(200).optional().describe('the key the event was enqueued with (exact)'),
  aggregateType: z.string().max(200).optional(),
  aggregateId: z.string().max(200).optional(),
});

const deliveryQuerySchema = pageQuerySchema.extend({
  eventId: idString('an event id').optional(),
  subscription: z.string().max(128).optional().describe('id or name'),
  statusCode: z.coerce.number().int().min(100).max(599).optional(),
  outcome: deliveryOutcome.optional(),
  since: time.optional(),
  until: time.optional(),
});

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const showSummary = <T extends { createdAt: Date; finishedAt: Date | null }>(event: T) => ({
  ...event,
  createdAt: event.createdAt.toISOString(),
  finishedAt: iso(event.finishedAt),
});
const page = <T extends { id: string }>(rows: T[], limit: number) => ({
  items: rows.slice(0, limit),
  nextCursor: rows.length > limit ? encodeCursor(rows[limit - 1]!.id) : null,
});

/**
 * `/v1/events` (search, newest first), `/v1/events/{id}` (payload, routes, workflow id) and
 * `/v1/deliveries` (the attempt log). In the key's scope: a tenant key finds only its events.
 */
export function eventRoutes(deps: { db: Kysely<Database> }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get(
      '/v1/events',
      {
        schema: {
          tags: ['events'],
          summary: 'Search events',
          querystring: eventQuerySchema,
          response: { 200: z.object({ items: z.array(eventSummarySchema), nextCursor: z.string().nullable() }), ...problemResponses },
        },
      },
      async (request) => {
        const { cursor, limit, since, until, ...filter } = request.query;
        const beforeId = cursor === undefined ? undefined : decodeCursor(cursor);
        if (cursor !== undefined && beforeId === undefined) throw badCursor();
        const principal = principalOf(request);
        if (principal.scope === 'tenant' && filter.tenant !== undefined && filter.tenant !== principal.tenant) {
          throw new HttpProblem(403, 'Forbidden', `tenant: this key belongs to tenant "${principal.tenant}"; leave tenant out.`, [
            { field: 'querystring.tenant', message: 'is another tenant' },
          ]);
        }
        const rows = await inScope(deps.db, principal, (trx) =>
          searchEvents(trx, {
            ...filter,
            ...(since && { since: new Date(since) }),
            ...(until && { until: new Date(until) }),
            ...(beforeId && { beforeId }),
            limit: limit + 1,
          }),
        );
        const result = page(rows, limit);
        return { ...result, items: result.items.map(showSummary) };
      },
    );

    api.get(
      '/v1/events/:id',
      {
        schema: {
          tags: ['events'],
          summary: 'An event: payload, each route and its last attempt, workflow id',
          params: z.object({ id: idString('an event id') }).strict(),
          response: { 200: eventDetailSchema, ...problemResponses },
        },
      },
      async (request) => {
        const event = await inScope(deps.db, principalOf(request), (trx) => readEvent(trx, request.params.id));
        if (!event) throw new HttpProblem(404, 'Event not found', `No event ${request.params.id} that this key may see; search with GET /v1/events.`);
        return { ...showSummary(event), routes: event.routes.map((route) => ({ ...route, lastAttemptAt: route.lastAttemptAt.toISOString() })) };
      },
    );

    api.get(
      '/v1/deliveries',
      {
        schema: {
          tags: ['events'],
          summary: 'Search the attempt log',
          querystring: deliveryQuerySchema,
          response: { 200: z.object({ items: z.array(attemptSchema), nextCursor: z.string().nullable() }), ...problemResponses },
        },
      },
      async (request) => {
        const { cursor, limit, since, until, subscription, ...filter } = request.query;
        const beforeId = cursor === undefined ? undefined : decodeCursor(cursor);
        if (cursor !== undefined && beforeId === undefined) throw badCursor();
        const rows = await inScope(deps.db, principalOf(request), async (trx) => {
          const subscriptionId = subscription === undefined ? undefined : (await getSubscription(trx, subscription))?.id;
          if (subscription !== undefined && subscriptionId === undefined)
            throw new HttpProblem(404, 'Subscription not found', `No subscription "${subscription}" that this key may see.`);
          return searchDeliveries(trx, {
            ...filter,
            ...(subscriptionId && { subscriptionId }),
            ...(since && { since: new Date(since) }),
            ...(until && { until: new Date(until) }),
            ...(beforeId && { beforeId }),
            limit: limit + 1,
          });
        });
        const result = page(rows, limit);
        return { ...result, items: result.items.map((row) => ({ ...row, attemptedAt: row.attemptedAt.toISOString() })) };
      },
    );
  };
}
