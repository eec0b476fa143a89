import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { listOpenDeadLetters, type DeadLetterFilter, type OpenDeadLetter } from '../../dead-letters/list-dead-letters.js';
import { signalDeadLetters } from '../../dead-letters/signal-dead-letters.js';
import { HttpProblem } from '../http-errors.js';
import { badCursor, decodeCursor, encodeCursor, idString, pageQuerySchema, problemResponses, timestamp } from '../api-schemas.js';
import { actorOf, principalOf } from '../authenticate-request.js';
import { recordOperatorAction } from '../../dead-letters/operator-actions.js';
import { inScope } from '../scoped-transaction.js';

const deadLetterSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    tenant: z.string(),
    eventType: z.string(),
    idempotencyKey: z.string(),
    subscription: z.string(),
    attempts: z.number().int(),
    lastError: z.string(),
    lastStatusCode: z.number().int().nullable(),
    workflowId: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'DeadLetter' });

const outcomeSchema = z
  .object({
    matched: z.number().int().describe('open dead letters the filter found'),
    signalled: z.number().int().describe('of those, how many their workflows were told about (0 on a dry run)'),
    failed: z.array(z.object({ deadLetterId: z.string(), error: z.string() })),
    dryRun: z.boolean(),
  })
  .meta({ id: 'DeadLetterActionOutcome' });

const filterFields = {
  tenant: z.string().max(128).optional().describe("operators only; a tenant key's own tenant otherwise"),
  events: z.string().max(200).optional().describe('event type pattern, e.g. order.*'),
  ids: z.array(idString('a dead-letter id')).max(1_000).optional(),
  dryRun: z.boolean().optional().describe('count what would be affected; change nothing'),
};
const idParams = z.object({ id: idString('a dead-letter id') }).strict();

/** Most dead letters one bulk retry or discard acts on; send it again for the rest. */
const MAX_DEAD_LETTERS_PER_ACTION = 10_000;

const show = (deadLetter: OpenDeadLetter) => ({ ...deadLetter, createdAt: deadLetter.createdAt.toISOString() });

/**
 * `/v1/dead-letters`: list the open ones, read one, retry or discard one, or in bulk by filter
 * (with a dry run that counts). Retry and discard are the `retry` and `discard` signals the
 * CLI and the Temporal UI send; the workflow resolves the dead letter itself.
 */
export function deadLetterRoutes(deps: { db: Kysely<Database>; temporal: Client | undefined }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['dead letters'];
    const scopedFilter = (request: FastifyRequest, filter: DeadLetterFilter): DeadLetterFilter => {
      const principal = principalOf(request);
      if (principal.scope === 'operator') return filter;
      if (filter.tenant !== undefined && filter.tenant !== principal.tenant) {
        throw new HttpProblem(403, 'Forbidden', `tenant: this key belongs to tenant "${principal.tenant}"; leave tenant out.`, [
          { field: 'tenant', message: 'is another tenant' },
        ]);
      }
      return { ...filter, tenant: principal.tenant };
    };
    const act = async (
      request: FastifyRequest,
      filter: DeadLetterFilter,
      action: { action: 'retry' } | { action: 'discard'; reason: string },
      dryRun: boolean,
    ) => {
      const principal = principalOf(request);
      const scoped = scopedFilter(request, filter);
      const found = await inScope(deps.db, principal, (trx) => listOpenDeadLetters(trx, { ...scoped, limit: MAX_DEAD_LETTERS_PER_ACTION }));
      if (dryRun || found.length === 0) return { matched: found.length, signalled: 0, failed: [], dryRun };
      if (!deps.temporal) throw new HttpProblem(503, 'Temporal unavailable', 'This engine has no Temporal connection for signals; retry shortly.');
      const actor = actorOf(principal);
      const outcome = await signalDeadLetters(deps.temporal, found, { ...action, actor });
      await recordOperatorAction(deps.db, {
        action: action.action,
        actor,
        tenant: scoped.tenant ?? null,
        selection: { ...filter, ...(action.action === 'discard' && { reason: action.reason }) },
        matched: found.length,
        signalled: outcome.signalled.length,
      });
      return {
        matched: found.length,
        signalled: outcome.signalled.length,
        failed: outcome.failed.map((failure) => ({ deadLetterId: failure.deadLetter.id, error: failure.error })),
        dryRun,
      };
    };

    api.get(
      '/v1/dead-letters',
      {
        schema: {
          tags,
          summary: 'List open dead letters, oldest first',
          querystring: pageQuerySchema.extend({ tenant: filterFields.tenant, events: filterFields.events }),
          response: { 200: z.object({ items: z.array(deadLetterSchema), nextCursor: z.string().nullable() }), ...problemResponses },
        },
      },
      async (request) => {
        const { cursor, limit, ...filter } = request.query;
        const afterId = cursor === undefined ? undefined : decodeCursor(cursor);
        if (cursor !== undefined && afterId === undefined) throw badCursor();
        const rows = await inScope(deps.db, principalOf(request), (trx) =>
          listOpenDeadLetters(trx, { ...scopedFilter(request, filter), ...(afterId && { afterId }), limit: limit + 1 }),
        );
        const items = rows.slice(0, limit);
        return { items: items.map(show), nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!.id) : null };
      },
    );

    api.get(
      '/v1/dead-letters/:id',
      {
        schema: { tags, summary: 'An open dead letter', params: idParams, response: { 200: deadLetterSchema, ...problemResponses } },
      },
      async (request) => {
        const [found] = await inScope(deps.db, principalOf(request), (trx) => listOpenDeadLetters(trx, { ids: [request.params.id] }));
        if (!found)
          throw new HttpProblem(
            404,
            'Dead letter not found',
            `No open dead letter ${request.params.id} that this key may see; list them with GET /v1/dead-letters.`,
          );
        return show(found);
      },
    );

    api.post(
      '/v1/dead-letters/retry',
      {
        schema: {
          tags,
          summary: 'Retry the open dead letters a filter finds (or count them: dryRun)',
          body: z.object(filterFields).strict(),
          response: { 200: outcomeSchema, ...problemResponses },
        },
      },
      async (request) => {
        const { dryRun, ...filter } = request.body;
        return act(request, filter, { action: 'retry' }, dryRun === true);
      },
    );

    api.post(
      '/v1/dead-letters/discard',
      {
        schema: {
          tags,
          summary: 'Discard the open dead letters a filter finds (or count them: dryRun)',
          body: z.object({ ...filterFields, reason: z.string().min(1).max(500) }).strict(),
          response: { 200: outcomeSchema, ...problemResponses },
        },
      },
      async (request) => {
        const { dryRun, reason, ...filter } = request.body;
        return act(request, filter, { action: 'discard', reason }, dryRun === true);
      },
    );

    for (const action of ['retry', 'discard'] as const) {
      api.post(
        `/v1/dead-letters/:id/${action}`,
        {
          schema: {
            tags,
            summary: action === 'retry' ? 'Retry one dead letter' : 'Discard one dead letter',
            params: idParams,
            body: z
              .object({ reason: z.string().min(1).max(500).optional() })
              .strict()
              .nullish(),
            response: { 200: outcomeSchema, ...problemResponses },
          },
        },
        async (request) => {
          const outcome = await act(
            request,
            { ids: [request.params.id] },
            action === 'retry' ? { action } : { action, reason: request.body?.reason ?? 'discarded through the API' },
            false,
          );
          if (outcome.matched === 0)
            throw new HttpProblem(
              404,
              'Dead letter not found',
              `No open dead letter ${request.params.id} that this key may see; list them with GET /v1/dead-letters.`,
            );
          return outcome;
        },
      );
    }
  };
}
