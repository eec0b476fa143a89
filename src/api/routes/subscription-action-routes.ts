import type { SecretBox } from '../../secrets/secret-box.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { rotateWebhookSecret, SecretRotationError } from '../../subscriptions/rotate-webhook-secret.js';
import { getSubscription, INVALID_TARGET, setSubscriptionEnabled } from '../../subscriptions/subscription-store.js';
import { badCursor, decodeCursor, encodeCursor, idParamsSchema, pageQuerySchema, problemResponses, timestamp } from '../api-schemas.js';
import { principalOf } from '../authenticate-request.js';
import { inScope } from '../scoped-transaction.js';
import { breakerKey } from '../../targets/breaker-key.js';
import { auditEntrySchema, notFound, show, subscriptionSchema } from './subscription-resource.js';

/**
 * Actions on one subscription: enable, disable, rotate its signing secret, and read its audit.
 * In the key's scope, as every /v1 query (see inScope).
 */
export function subscriptionActionRoutes(deps: { db: Kysely<Database>; secrets?: SecretBox }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['subscriptions'];

    for (const [action, enabled] of [
      ['enable', true],
      ['disable', false],
    ] as const) {
      api.post(
        `/v1/subscriptions/:id/${action}`,
        {
          schema: {
            tags,
            summary: enabled ? 'Enable a subscription' : 'Disable a subscription (new events skip it; routed ones are dead-lettered)',
            params: idParamsSchema,
            body: z
              .object({ reason: z.string().max(500).optional() })
              .strict()
              .nullish(),
            response: { 200: subscriptionSchema, ...problemResponses },
          },
        },
        async (request) => {
          const changed = await inScope(deps.db, principalOf(request), (trx) => setSubscriptionEnabled(trx, request.params.id, enabled, request.body?.reason));
          if (!changed) throw notFound(request.params.id);
          return show(changed);
        },
      );
    }

    api.post(
      '/v1/subscriptions/:id/rotate-secret',
      {
        schema: {
          tags,
          summary: 'Give a webhook a new signing secret; the old one keeps signing until the grace ends',
          params: idParamsSchema,
          body: z
            .object({
              graceSeconds: z
                .number()
                .int()
                .min(0)
                .max(30 * 24 * 3600)
                .optional()
                .describe('default 86400 (24 h); 0 stops the old secret at once'),
            })
            .strict()
            .nullish(),
          response: {
            200: z
              .object({
                id: z.string(),
                name: z.string(),
                secret: z.string().optional().describe('shown once: absent when the answer is an Idempotency-Key replay'),
                previousSecretsUntil: timestamp.nullable(),
              })
              .meta({ id: 'RotatedSecret' }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const graceMs = (request.body?.graceSeconds ?? 24 * 3600) * 1000;
        const rotated = await inScope(deps.db, principalOf(request), async (trx) => {
          if (!(await getSubscription(trx, request.params.id))) throw notFound(request.params.id);
          try {
            return await rotateWebhookSecret(trx, request.params.id, { graceMs, ...(deps.secrets && { secrets: deps.secrets }) });
          } catch (error) {
            if (error instanceof SecretRotationError) throw new HttpProblem(error.reason === 'not-found' ? 404 : 409, 'Cannot rotate', error.message);
            throw error;
          }
        });
        return { id: rotated.id, name: rotated.name, secret: rotated.secret, previousSecretsUntil: rotated.previousUntil?.toISOString() ?? null };
      },
    );

    api.get(
      '/v1/subscriptions/:id/breaker',
      {
        schema: {
          tags,
          summary: "The circuit breaker of a subscription's endpoint (shared with every subscription to it); closed when it never failed",
          params: idParamsSchema,
          response: {
            200: z
              .object({
                endpoint: z.string().nullable().describe('null when the target settings do not parse'),
                state: z.enum(['closed', 'open', 'half_open']),
                consecutiveFailures: z.number().int(),
                failingSince: timestamp.nullable(),
                nextProbeAt: timestamp.nullable(),
                lastError: z
                  .string()
                  .nullable()
                  .describe('operator keys only (null for tenant keys): the endpoint is shared, its answer may concern another tenant'),
              })
              .meta({ id: 'Breaker' }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const found = await inScope(deps.db, principal, (trx) => getSubscription(trx, request.params.id));
        if (!found) throw notFound(request.params.id);
        const endpoint = found.target === INVALID_TARGET ? null : breakerKey(found.targetKind, found.target);
        // The breaker table is the engine's (shared by tenants); read only the row of an endpoint the key may see.
        const row = endpoint ? await deps.db.selectFrom('outbox.circuit_breakers').selectAll().where('endpoint', '=', endpoint).executeTakeFirst() : undefined;
        return {
          endpoint,
          state: row?.state ?? 'closed',
          consecutiveFailures: row?.consecutive_failures ?? 0,
          failingSince: row?.failing_since?.toISOString() ?? null,
          nextProbeAt: row?.next_probe_at?.toISOString() ?? null,
          // The breaker is the endpoint's, shared by every subscription to it: its last error may be
          // another tenant's answer, so a tenant key sees the state but not the text.
          lastError: principal.scope === 'operator' ? (row?.last_error ?? null) : null,
        };
      },
    );

    api.get(
      '/v1/subscriptions/:id/audit',
      {
        schema: {
          tags,
          summary: "A subscription's changes: who, what, when",
          params: idParamsSchema,
          querystring: pageQuerySchema,
          response: { 200: z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() }), ...problemResponses },
        },
      },
      async (request) => {
        const afterId = request.query.cursor === undefined ? '0' : decodeCursor(request.query.cursor);
        if (afterId === undefined) throw badCursor();
        const rows = await inScope(deps.db, principalOf(request), async (trx) => {
          const found = await getSubscription(trx, request.params.id);
          if (!found) throw notFound(request.params.id);
          const { rows: entries } = await sql<{ id: string; action: 'created' | 'updated' | 'deleted'; changed: string[]; actor: string; at: Date }>`
          SELECT a.id::text AS id, a.action, a.changed, a.actor, a.at FROM outbox.subscription_audit a
           WHERE a.subscription_id = ${found.id} AND a.id > ${afterId}::bigint ORDER BY a.id LIMIT ${request.query.limit + 1}`.execute(trx);
          return entries;
        });
        const items = rows.slice(0, request.query.limit);
        return {
          items: items.map((row) => ({ ...row, at: row.at.toISOString() })),
          nextCursor: rows.length > items.length ? encodeCursor(items.at(-1)!.id) : null,
        };
      },
    );
  };
}
