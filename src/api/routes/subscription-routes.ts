import type { SecretBox } from '../../secrets/secret-box.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { TargetUrlCheck } from '../../egress/check-target-url.js';
import { HttpProblem } from '../http-errors.js';
import {
  addSubscription,
  generateWebhookSecret,
  getSubscription,
  InvalidSubscriptionError,
  listSubscriptions,
  removeSubscription,
} from '../../subscriptions/subscription-store.js';
import { badCursor, decodeCursor, encodeCursor, idParamsSchema, pageQuerySchema, problemResponses } from '../api-schemas.js';
import { principalOf } from '../authenticate-request.js';
import { updateSubscription, type SubscriptionChanges } from '../../subscriptions/update-subscription.js';
import { inScope } from '../scoped-transaction.js';
import { newSubscriptionBody, notFound, refuseOperatorOnly, show, subscriptionChangesBody, subscriptionSchema } from './subscription-resource.js';
import { sentBody } from '../raw-body.js';
import type { NewSubscription } from '../../subscriptions/subscription-schema.js';

type TargetInput = { kind: string; config: Record<string, unknown> };
type NewSubscriptionInput = Omit<NewSubscription, 'target'> & { target: TargetInput };

/**
 * `/v1/subscriptions`: list (paged), create, read, change (PATCH) and delete; the actions on
 * one (enable, disable, rotate-secret, audit) are in subscription-action-routes.ts. Every query runs in the key's scope (see inScope): a tenant key sees
 * and changes only its tenant's subscriptions, and PostgreSQL refuses it the operator-only
 * settings even if this code let one through.
 */
export function subscriptionRoutes(deps: { db: Kysely<Database>; urlCheck?: TargetUrlCheck; secrets?: SecretBox }) {
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
              .extend({ secret: z.string().optional().describe('the generated signing secret, shown once (absent in an Idempotency-Key replay)') })
              .meta({ id: 'CreatedSubscription' }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        // Validated by the route's schema; the store checks what was sent (not the parsed form) again.
        const body = sentBody<NewSubscriptionInput>(request);
        const tenant = principal.scope === 'tenant' ? (body.tenant ?? principal.tenant) : (body.tenant ?? '*');
        if (principal.scope === 'tenant' && tenant !== principal.tenant) {
          throw new HttpProblem(403, 'Forbidden', `tenant: this key belongs to tenant "${principal.tenant}"; leave tenant out or send "${principal.tenant}".`, [
            { field: 'body.tenant', message: 'is another tenant' },
          ]);
        }
        reply.code(201);
        return inScope(deps.db, principal, async (trx) => {
          if (principal.scope === 'tenant') await refuseOperatorOnly(trx, tenant, body.target);
          // As the CLI does: a webhook without a secret gets one, shown in this answer only.
          const secret = body.target.kind === 'webhook' && body.target.config.secret === undefined ? generateWebhookSecret() : undefined;
          const target = { ...body.target, config: { ...body.target.config, ...(secret && { secret }) } };
          try {
            const created = await addSubscription(trx, { ...body, target, tenant } as NewSubscription, deps.urlCheck, {
              asTenant: principal.scope === 'tenant',
              ...(deps.secrets && { secrets: deps.secrets }),
            });
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
          description: 'A new `target` replaces the old one whole, its secret included. `removeFilter: true` removes the filter; a field left out is kept.',
          params: idParamsSchema,
          body: subscriptionChangesBody,
          response: { 200: subscriptionSchema, ...problemResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const { removeFilter, ...sent } = sentBody<SubscriptionChanges & { removeFilter?: boolean; target?: TargetInput }>(request);
        const changes = { ...sent, ...(removeFilter === true && { filter: null }) };
        const updated = await inScope(deps.db, principal, async (trx) => {
          if (principal.scope === 'tenant' && sent.target) await refuseOperatorOnly(trx, principal.tenant, sent.target);
          try {
            return await updateSubscription(trx, request.params.id, changes, deps.urlCheck, {
              asTenant: principal.scope === 'tenant',
              ...(deps.secrets && { secrets: deps.secrets }),
            });
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
  };
}
