import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { searchDeliveries, type DeliveryAttempt } from '../../outbox/search-deliveries.js';
import { getSubscription } from '../../subscriptions/subscription-store.js';
import { deliveryOutcome, idParamsSchema, problemResponses, timestamp } from '../api-schemas.js';
import { principalOf } from '../authenticate-request.js';
import { inScope } from '../scoped-transaction.js';
import { InFlightLimit } from '../in-flight-limit.js';
import { TEST_EVENT_TYPE } from '../../routing/test-send-route.js';

/** How long a test send waits for its first attempt before answering 202. */
export const TEST_SEND_WAIT_MS = 20_000;
/** Test sends under way at once, per process: two per tenant (and two for operators), ten in all. */
const testSendsUnderWay = new InFlightLimit('test sends', { perKey: 2, total: 10 });

const attemptSchema = z.object({
  id: z.string(),
  attempt: z.number().int(),
  outcome: deliveryOutcome,
  statusCode: z.number().int().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
  attemptedAt: timestamp,
});

/**
 * `POST /v1/subscriptions/{id}/test`: enqueues a sample `outbox.test` event addressed to this
 * subscription only, through the real path (relay, workflow, target), and answers with its
 * attempt: 200 when it came within 20 s, 202 with the event id to follow otherwise. A test send
 * makes one attempt of at most 10 s (routing/test-send-route.ts), through pools of its own, and a
 * tenant has at most two under way (429 beyond).
 */
export function testSendRoutes(deps: { db: Kysely<Database> }) {
  return (app: FastifyInstance): void => {
    app.withTypeProvider<ZodTypeProvider>().post(
      '/v1/subscriptions/:id/test',
      {
        schema: {
          tags: ['subscriptions'],
          summary: 'Send a sample event to this subscription and answer with the attempt',
          params: idParamsSchema,
          body: z
            .object({
              tenant: z.string().max(128).optional().describe("needed for a subscription of every tenant ('*'): whose test event it is"),
              payload: z.record(z.string(), z.unknown()).optional().describe('default {"test": true}'),
            })
            .strict()
            .nullish(),
          response: {
            200: z.object({ eventId: z.string(), attempt: attemptSchema }).meta({ id: 'TestSend' }),
            202: z.object({ eventId: z.string(), detail: z.string() }).meta({ id: 'TestSendUnderWay' }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const subscription = await inScope(deps.db, principal, (trx) => getSubscription(trx, request.params.id));
        if (!subscription)
          throw new HttpProblem(
            404,
            'Subscription not found',
            `No subscription "${request.params.id.slice(0, 128)}" that this key may see; list them with GET /v1/subscriptions.`,
          );
        const tenant = subscription.tenant !== '*' ? subscription.tenant : request.body?.tenant;
        if (tenant === undefined)
          throw new HttpProblem(
            400,
            'Invalid request',
            `tenant: subscription ${subscription.name} serves every tenant; name the tenant whose test event to send.`,
            [{ field: 'body.tenant', message: 'is required for a subscription of every tenant' }],
          );
        const payload = request.body?.payload ?? { test: true };
        const release = testSendsUnderWay.acquire(principal.scope === 'tenant' ? principal.tenant : 'operator');
        try {
          const { rows } = await sql<{ id: string }>`
          SELECT outbox.enqueue(${tenant}, ${TEST_EVENT_TYPE}, ${JSON.stringify(payload)}::jsonb, ${`test:${randomUUID()}`}, jsonb_build_object('targets', ARRAY[${subscription.name}]::text[]))::text AS id`.execute(
            deps.db,
          );
          const eventId = rows[0]!.id;
          const attempt = await firstAttempt(deps.db, eventId, Date.now() + TEST_SEND_WAIT_MS);
          if (!attempt) {
            return reply.code(202).send({
              eventId,
              detail: `Not attempted within ${TEST_SEND_WAIT_MS / 1000} s (is the engine's relay running?); follow it with GET /v1/deliveries?eventId=${eventId}.`,
            });
          }
          const { id, attempt: number, outcome, statusCode, durationMs, error, attemptedAt } = attempt;
          return reply
            .code(200)
            .send({ eventId, attempt: { id, attempt: number, outcome, statusCode, durationMs, error, attemptedAt: attemptedAt.toISOString() } });
        } finally {
          release();
        }
      },
    );
  };
}

/** Polls the attempt log for the event's first attempt until the deadline. */
async function firstAttempt(db: Kysely<Database>, eventId: string, deadline: number): Promise<DeliveryAttempt | undefined> {
  for (;;) {
    const [attempt] = await searchDeliveries(db, { eventId, limit: 1 });
    if (attempt || Date.now() > deadline) return attempt;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
