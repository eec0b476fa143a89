import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { TargetUrlCheck } from '../../egress/check-target-url.js';
import { HttpProblem } from '../../engine/http-errors.js';
import {
  addSubscription,
  generateWebhookSecret,
  getSubscription,
  InvalidSubscriptionError,
  listSubscriptions,
  removeSubscription,
  setSubscriptionEnabled,
  type SubscriptionSummary,
} from '../../subscriptions/subscription-store.js';
import { badCursor, decodeCursor, encodeCursor, idParamsSchema, pageQuerySchema, problemResponses } from '../api-schemas.js';
import { principalOf } from '../authenticate-request.js';
import { rotateWebhookSecret, SecretRotationError } from '../../subscriptions/rotate-webhook-secret.js';
import { updateSubscription, type SubscriptionChanges } from '../../subscriptions/update-subscription.js';
import { inScope } from '../scoped-transaction.js';

const subscriptionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenant: z.string().describe('the tenant whose events it receives; "*" for every tenant (operators only)'),
    events: z.string().describe('glob over event types, e.g. order.*'),
    targetKind: z.string(),
    target: z.string().describe('where it delivers, without secrets'),
    retryPolicy: z.record(z.string(), z.unknown()),
    flowControl: z.object({ ratePerSecond: z.number().optional(), burst: z.number().optional(), maxInFlight: z.number().optional() }),
    ordered: z.boolean(),
    filter: z.record(z.string(), z.unknown()).nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Subscription' });

/** What a POST may send; the target's settings are checked by its kind's own schema when saved. */
const newSubscriptionBody = z
  .object({
    name: z.string().max(128).optional().describe('unique; generated when left out'),
    tenant: z.string().max(128).optional().describe("a tenant key's own tenant when left out; operators: '*' (default) or any tenant"),
    events: z.string().max(200).describe('glob over event types, e.g. order.*'),
    target: z
      .object({ kind: z.string(), config: z.record(z.string(), z.unknown()) })
      .strict()
      .describe('e.g. {"kind": "webhook", "config": {"url": "https://…"}}'),
    retryPolicy: z.record(z.string(), z.unknown()).optional(),
    flowControl: z.record(z.string(), z.unknown()).optional(),
    ordered: z.boolean().optional(),
    enabled: z.boolean().optional(),
    filter: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('deliver only matching events, e.g. {"data.total": {"$gte": 100}, "data.country": {"$in": ["DE", "FR"]}}'),
  })
  .strict()
  .meta({ id: 'NewSubscription' });

const auditEntrySchema = z
  .object({ id: z.string(), action: z.enum(['created', 'updated', 'deleted']), changed: z.array(z.string()), actor: z.string(), at: z.string() })
  .meta({ id: 'AuditEntry' });

const show = (summary: SubscriptionSummary) => ({ ...summary, retryPolicy: { ...summary.retryPolicy }, createdAt: summary.createdAt.toISOString() });
const notFound = (id: string) =>
  new HttpProblem(404, 'Subscription not found', `No subscription "${id.slice(0, 128)}" that this key may see; list them with GET /v1/subscriptions.`);

/**
 * `/v1/subscriptions`: list (paged), create (Idempotency-Key), read, delete, enable, disable,
 * and each one's audit. Every query runs in the key's scope (see inScope): a tenant key sees
 * and changes only its tenant's subscriptions, and PostgreSQL refuses it the operator-only
 * settings even if this code let one through.
 */
export function subscriptionRoutes(deps: { db: Kysely<Database>; urlCheck?: TargetUrlCheck }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['subscriptions'];

    api.get(
      '/v1/subscriptions',
      {
        schema: {
          tags,
          summary: 'List subscriptions',
          querystring: pageQuerySchema,
          response: { 200: z.object({ items: z.array(subscriptionSchema), nextCursor: z.string().nullable() }), ...problemResponses },
        },
      },
      async (request) => {
        const afterId = request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor);
        if (request.query.cursor !== undefined && afterId === undefined) throw badCursor();
        const rows = await inScope(deps.db, principalOf(request), (trx) =>
          listSubscriptions(trx, { ...(afterId && { afterId }), limit: request.query.limit + 1 }),
        );
        const items = rows.slice(0, request.query.limit);
        return { items: items.map(show), nextCursor: rows.length > items.length ? encodeCursor(items.at(-1)!.id) : null };
      },
    );

    api.post(
      '/v1/subscriptions',
      {
        schema: {
          tags,
          summary: 'Create a subscription',
          description: 'A webhook sent without `secret` gets a generated signing secret, returned in `secret` in this answer only.',
          body: newSubscriptionBody,
          response: {
            201: subscriptionSchema
              .extend({ secret: z.string().optional().describe('the generated signing secret, shown once') })
              .meta({ id: 'CreatedSubscription' }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const body = request.body;
        const tenant = principal.scope === 'tenant' ? (body.tenant ?? principal.tenant) : (body.tenant ?? '*');
        if (principal.scope === 'tenant' && tenant !== principal.tenant) {
          throw new HttpProblem(403, 'Forbidden', `tenant: this key belongs to tenant "${principal.tenant}"; leave tenant out or send "${principal.tenant}".`, [
            { field: 'body.tenant', message: 'is another tenant' },
          ]);
        }
        reply.code(201);
        return inScope(deps.db, principal, async (trx) => {
          if (principal.scope === 'tenant') await refuseOperatorOnly(trx, body.target.config);
          // As the CLI does: a webhook without a secret gets one, shown in this answer only.
          const secret = body.target.kind === 'webhook' && body.target.config.secret === undefined ? generateWebhookSecret() : undefined;
          const target = { ...body.target, config: { ...body.target.config, ...(secret && { secret }) } };
          try {
            const created = await addSubscription(trx, { ...body, target, tenant } as Parameters<typeof addSubscription>[1], deps.urlCheck);
            return { ...show(created), ...(secret && { secret }) };
          } catch (error) {
            if (!(error instanceof InvalidSubscriptionError)) throw error;
            const conflict = error.issues.length === 0 && /already exists/.test(error.message);
            throw new HttpProblem(
              conflict ? 409 : 400,
              conflict ? 'Name taken' : 'Invalid subscription',
              error.message,
              error.issues.map((issue) => ({ field: `body.${issue.field}`, message: issue.message })),
            );
          }
        });
      },
    );

    api.get(
      '/v1/subscriptions/:id',
      {
        schema: { tags, summary: 'Read a subscription', params: idParamsSchema, response: { 200: subscriptionSchema, ...problemResponses } },
      },
      async (request) => {
        const found = await inScope(deps.db, principalOf(request), (trx) => getSubscription(trx, request.params.id));
        if (!found) throw notFound(request.params.id);
        return show(found);
      },
    );

    api.patch(
      '/v1/subscriptions/:id',
      {
        schema: {
          tags,
          summary: 'Change some settings of a subscription (only those sent)',
          description: 'A new `target` replaces the old one whole, its secret included. `filter: null` removes the filter.',
          params: idParamsSchema,
          body: newSubscriptionBody
            .pick({ events: true, target: true, retryPolicy: true, flowControl: true, ordered: true })
            .partial()
            .extend({ filter: z.record(z.string(), z.unknown()).nullable().optional() })
            .strict(),
          response: { 200: subscriptionSchema, ...problemResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const updated = await inScope(deps.db, principal, async (trx) => {
          if (principal.scope === 'tenant' && request.body.target) await refuseOperatorOnly(trx, request.body.target.config);
          try {
            return await updateSubscription(trx, request.params.id, request.body as SubscriptionChanges, deps.urlCheck);
          } catch (error) {
            if (!(error instanceof InvalidSubscriptionError)) throw error;
            throw new HttpProblem(
              400,
              'Invalid changes',
              error.message,
              error.issues.map((issue) => ({ field: `body.${issue.field}`, message: issue.message })),
            );
          }
        });
        if (!updated) throw notFound(request.params.id);
        return show(updated);
      },
    );

    api.delete(
      '/v1/subscriptions/:id',
      {
        schema: { tags, summary: 'Delete a subscription', params: idParamsSchema, response: { 200: subscriptionSchema, ...problemResponses } },
      },
      async (request) => {
        const removed = await inScope(deps.db, principalOf(request), (trx) => removeSubscription(trx, request.params.id));
        if (!removed) throw notFound(request.params.id);
        return show(removed);
      },
    );

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
              .object({ id: z.string(), name: z.string(), secret: z.string().describe('shown once'), previousSecretsUntil: z.string().nullable() })
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
            return await rotateWebhookSecret(trx, request.params.id, { graceMs });
          } catch (error) {
            if (error instanceof SecretRotationError) throw new HttpProblem(error.reason === 'not-found' ? 404 : 409, 'Cannot rotate', error.message);
            throw error;
          }
        });
        return { id: rotated.id, name: rotated.name, secret: rotated.secret, previousSecretsUntil: rotated.previousUntil?.toISOString() ?? null };
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
          SELECT id::text, action, changed, actor, at FROM outbox.subscription_audit
           WHERE subscription_id = ${found.id} AND id > ${afterId}::bigint ORDER BY id LIMIT ${request.query.limit + 1}`.execute(trx);
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

/** The operator-only settings (one rule, in SQL: outbox.operator_only_settings), named for the caller. */
async function refuseOperatorOnly(db: Kysely<Database>, config: Record<string, unknown>): Promise<void> {
  const { rows } = await sql<{ found: string[] }>`SELECT outbox.operator_only_settings(${JSON.stringify(config)}::jsonb) AS found`.execute(db);
  const found = rows[0]?.found ?? [];
  if (found.length > 0) {
    throw new HttpProblem(
      403,
      'Operator-only settings',
      `${found.join(' and ')}: only an operator key may set these; leave them out.`,
      found.map((name) => ({ field: `body.target.config.${name === 'env: references' ? '*' : name}`, message: 'is operator-only' })),
    );
  }
}
