import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { InvalidSagaError } from '../../sagas/define-saga.js';
import { listSagas, removeSaga, saveSaga } from '../../sagas/saga-store.js';
import { listFanoutRules, removeFanoutRule, setFanoutRule } from '../../subscriptions/fanout-rules.js';
import { InvalidSubscriptionError } from '../../subscriptions/subscription-store.js';
import { idString, problemResponses, timestamp } from '../api-schemas.js';
import { requireOperator } from '../authenticate-request.js';

const fanoutRuleSchema = z
  .object({ id: z.string(), tenant: z.string(), events: z.string(), strategy: z.enum(['all', 'any', 'primary']), primary: z.string().nullable() })
  .meta({ id: 'FanoutRule' });
const stepSchema = z
  .object({
    name: z.string(),
    target: z.string().describe('a subscription name'),
    compensation: z.string().optional().describe('a subscription name, called to undo the step'),
  })
  .strict();
const sagaSchema = z
  .object({ id: z.string(), name: z.string(), tenant: z.string(), events: z.string(), steps: z.array(stepSchema), createdAt: timestamp })
  .meta({ id: 'Saga' });

/** A store's refusal, with its named fields, as a 400 problem. */
function refused(error: unknown): never {
  if (error instanceof InvalidSubscriptionError || error instanceof InvalidSagaError) {
    throw new HttpProblem(
      400,
      'Invalid request',
      error.message,
      error.issues.map((issue) => ({ field: `body.${issue.field}`, message: issue.message })),
    );
  }
  throw error;
}

/**
 * Routing beyond single subscriptions, for operator keys: fan-out rules (`/v1/fanout-rules`:
 * which of an event's deliveries must succeed) and sagas (`/v1/sagas`: ordered steps,
 * compensated in reverse), as `outbox fanout` and `outbox sagas`.
 */
export function routingRoutes(deps: { db: Kysely<Database> }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get(
      '/v1/fanout-rules',
      { schema: { tags: ['routing'], summary: 'List fan-out rules', response: { 200: z.object({ items: z.array(fanoutRuleSchema) }), ...problemResponses } } },
      async (request) => {
        requireOperator(request, 'Fan-out rules');
        return { items: await listFanoutRules(deps.db) };
      },
    );
    api.put(
      '/v1/fanout-rules',
      {
        schema: {
          tags: ['routing'],
          summary: 'Set the fan-out rule of a tenant and pattern (replaces the one there)',
          body: z
            .object({
              tenant: z.string().max(128).optional().describe("default '*'"),
              events: z.string().max(200),
              strategy: z.enum(['all', 'any', 'primary']),
              primary: z.string().max(128).optional(),
            })
            .strict(),
          response: { 200: fanoutRuleSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireOperator(request, 'Fan-out rules');
        return setFanoutRule(deps.db, request.body).catch(refused);
      },
    );
    api.delete(
      '/v1/fanout-rules/:id',
      {
        schema: {
          tags: ['routing'],
          summary: 'Remove a fan-out rule',
          params: z.object({ id: idString('a rule id') }).strict(),
          response: { 204: z.null().describe('removed'), ...problemResponses },
        },
      },
      async (request, reply) => {
        requireOperator(request, 'Fan-out rules');
        if (!(await removeFanoutRule(deps.db, request.params.id)))
          throw new HttpProblem(404, 'Fan-out rule not found', `No fan-out rule ${request.params.id}; list them with GET /v1/fanout-rules.`);
        return reply.code(204).send(null);
      },
    );

    api.get(
      '/v1/sagas',
      { schema: { tags: ['routing'], summary: 'List sagas', response: { 200: z.object({ items: z.array(sagaSchema) }), ...problemResponses } } },
      async (request) => {
        requireOperator(request, 'Sagas');
        return { items: (await listSagas(deps.db)).map((saga) => ({ ...saga, createdAt: saga.createdAt.toISOString() })) };
      },
    );
    api.put(
      '/v1/sagas/:name',
      {
        schema: {
          tags: ['routing'],
          summary: 'Create or replace a saga',
          params: z.object({ name: z.string().max(128) }).strict(),
          body: z
            .object({ tenant: z.string().max(128).optional().describe("default '*'"), events: z.string().max(200), steps: z.array(stepSchema).max(20) })
            .strict(),
          response: { 200: sagaSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireOperator(request, 'Sagas');
        const saga = await saveSaga(deps.db, { ...request.body, name: request.params.name }).catch(refused);
        return { ...saga, createdAt: saga.createdAt.toISOString() };
      },
    );
    api.delete(
      '/v1/sagas/:name',
      {
        schema: {
          tags: ['routing'],
          summary: 'Remove a saga (its events go to plain subscriptions again)',
          params: z.object({ name: z.string().max(128) }).strict(),
          response: { 204: z.null().describe('removed'), ...problemResponses },
        },
      },
      async (request, reply) => {
        requireOperator(request, 'Sagas');
        if (!(await removeSaga(deps.db, request.params.name)))
          throw new HttpProblem(404, 'Saga not found', `No saga "${request.params.name}"; list them with GET /v1/sagas.`);
        return reply.code(204).send(null);
      },
    );
  };
}
