import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { InvalidSubscriptionError } from '../../subscriptions/subscription-store.js';
import { listTenantFlowControl, setTenantFlowControl } from '../../subscriptions/tenant-flow-control.js';
import { problemResponses } from '../api-schemas.js';
import { requireOperator } from '../authenticate-request.js';
import { endpointLimitsSchema } from './subscription-resource.js';

const limitsSchema = endpointLimitsSchema;

/**
 * `/v1/tenant-limits`: each tenant's default per-endpoint limits (for endpoints with none of
 * their own), as `outbox subscriptions tenant-limits`. Operator keys only: a tenant's limits
 * protect the other tenants.
 */
export function tenantLimitRoutes(deps: { db: Kysely<Database> }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['tenant limits'];
    api.get(
      '/v1/tenant-limits',
      {
        schema: {
          tags,
          summary: "Every tenant's default endpoint limits",
          response: { 200: z.object({ items: z.array(z.object({ tenant: z.string(), limits: limitsSchema })) }), ...problemResponses },
        },
      },
      async (request) => {
        requireOperator(request, 'Tenant limits');
        return { items: await listTenantFlowControl(deps.db) };
      },
    );
    api.put(
      '/v1/tenant-limits/:tenant',
      {
        schema: {
          tags,
          summary: "Set a tenant's default endpoint limits ({} removes them)",
          params: z.object({ tenant: z.string().max(128) }).strict(),
          body: limitsSchema,
          response: { 200: z.object({ tenant: z.string(), limits: limitsSchema }), ...problemResponses },
        },
      },
      async (request) => {
        requireOperator(request, 'Tenant limits');
        try {
          const limits = await setTenantFlowControl(deps.db, request.params.tenant, request.body);
          return { tenant: request.params.tenant, limits: limits ?? {} };
        } catch (error) {
          if (!(error instanceof InvalidSubscriptionError)) throw error;
          throw new HttpProblem(
            400,
            'Invalid limits',
            error.message,
            error.issues.map((issue) => ({ field: issue.field === 'tenant' ? 'params.tenant' : `body.${issue.field}`, message: issue.message })),
          );
        }
      },
    );
  };
}
