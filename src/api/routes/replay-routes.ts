import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { countReplayEvents, findReplayEvents } from '../../replay/find-replay-events.js';
import { recordOperatorAction } from '../../dead-letters/operator-actions.js';
import { InFlightLimit } from '../in-flight-limit.js';
import { replayEvents } from '../../replay/replay-events.js';
import { problemResponses } from '../api-schemas.js';
import { actorOf, principalOf } from '../authenticate-request.js';
import { inScope } from '../scoped-transaction.js';

/** Most events one replay request may cover; narrow the filter (or page by time) beyond it. */
export const MAX_REPLAY_EVENTS = 10_000;
/** Events read and replayed at a time. */
const REPLAY_PAGE = 500;
/** Replays under way at once: two per tenant (and two for operators), eight in all, per process. */
const replaysUnderWay = new InFlightLimit('replays', { perKey: 2, total: 8 });

const time = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z' });

/**
 * `POST /v1/replay`: deliver matching events again, by signal-with-start on their own workflow
 * ids (as `outbox replay`), or with `dryRun` count them. A tenant key replays its own tenant.
 */
export function replayRoutes(deps: {
  db: Kysely<Database>;
  temporal: Client | undefined;
  replay: { installationId: string; taskQueue: string; deadLetterHoldMs: number; searchAttributes?: () => boolean } | undefined;
}) {
  return (app: FastifyInstance): void => {
    app.withTypeProvider<ZodTypeProvider>().post(
      '/v1/replay',
      {
        schema: {
          tags: ['events'],
          summary: 'Replay events by filter (or count them: dryRun)',
          body: z
            .object({
              tenant: z.string().max(128).optional().describe("operators: required; a tenant key's own tenant otherwise"),
              events: z.string().max(200).describe('event type pattern, e.g. order.*'),
              since: time,
              until: time.optional().describe('default: now'),
              correlationId: z.string().max(200).optional(),
              subscriptions: z.array(z.string().max(128)).max(100).optional().describe('only these subscriptions (names); every routed one otherwise'),
              dryRun: z.boolean().optional(),
            })
            .strict(),
          response: {
            200: z
              .object({
                matched: z.number().int(),
                replayed: z.number().int(),
                failed: z.array(z.object({ eventId: z.string(), error: z.string() })),
                dryRun: z.boolean(),
              })
              .meta({ id: 'ReplayOutcome' }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const body = request.body;
        const tenant = principal.scope === 'tenant' ? principal.tenant : body.tenant;
        if (principal.scope === 'tenant' && body.tenant !== undefined && body.tenant !== principal.tenant) {
          throw new HttpProblem(403, 'Forbidden', `tenant: this key belongs to tenant "${principal.tenant}"; leave tenant out.`, [
            { field: 'body.tenant', message: 'is another tenant' },
          ]);
        }
        if (tenant === undefined)
          throw new HttpProblem(400, 'Invalid request', 'tenant: an operator names the tenant whose events to replay.', [
            { field: 'body.tenant', message: 'is required for operator keys' },
          ]);
        const selection = {
          tenant,
          events: body.events,
          since: new Date(body.since),
          until: body.until ? new Date(body.until) : new Date(),
          ...(body.correlationId && { correlationId: body.correlationId }),
        };
        // Counted no further than the cap: a dry run never reads a tenant's whole history.
        const matched = await inScope(deps.db, principal, (trx) => countReplayEvents(trx, selection, MAX_REPLAY_EVENTS));
        if (matched > MAX_REPLAY_EVENTS) {
          throw new HttpProblem(
            422,
            'Too many events',
            `The filter matches more than ${MAX_REPLAY_EVENTS} events; one request replays at most ${MAX_REPLAY_EVENTS}. Narrow since/until or the pattern and send several.`,
          );
        }
        if (body.dryRun === true || matched === 0) return { matched, replayed: 0, failed: [], dryRun: body.dryRun === true };
        if (!deps.temporal || !deps.replay) throw new HttpProblem(503, 'Temporal unavailable', 'This engine cannot start workflows now; retry shortly.');
        const release = replaysUnderWay.acquire(principal.scope === 'tenant' ? principal.tenant : 'operator');
        try {
          const actor = actorOf(principal);
          const { searchAttributes, ...replay } = deps.replay;
          const options = {
            ...replay,
            actor,
            ...(searchAttributes && { searchAttributes: searchAttributes() }),
            ...(body.subscriptions && { subscriptions: body.subscriptions }),
          };
          const result = { matched: 0, replayed: 0, failed: [] as { eventId: string; error: string }[], dryRun: false };
          // One page at a time, each read in the key's scope: memory holds a page, not the selection.
          for (let afterId: string | undefined; ;) {
            const page = await inScope(deps.db, principal, (trx) => findReplayEvents(trx, selection, { ...(afterId && { afterId }), limit: REPLAY_PAGE }));
            if (page.length === 0) break;
            const outcome = await replayEvents(deps.temporal, page, options);
            result.matched += page.length;
            result.replayed += outcome.replayed;
            result.failed.push(...outcome.failed.map((failure) => ({ eventId: failure.event.id, error: failure.error })));
            if (page.length < REPLAY_PAGE || result.matched >= MAX_REPLAY_EVENTS) break;
            afterId = page.at(-1)!.id;
          }
          await recordOperatorAction(deps.db, {
            action: 'replay',
            actor,
            tenant,
            selection: { ...body },
            matched: result.matched,
            signalled: result.replayed,
          });
          return result;
        } finally {
          release();
        }
      },
    );
  };
}
