import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { InvalidSubscriptionError } from '../../subscriptions/subscription-store.js';
import { BROKER_TARGET_KINDS, listTenantPermissions, setTenantPermissions } from '../../subscriptions/tenant-permissions.js';
import { problemResponses } from '../api-schemas.js';
import { requireOperator } from '../authenticate-request.js';

const permissionsSchema = z
  .object({
    tenant: z.string(),
    targetKinds: z.array(z.string()).describe(`broker kinds this tenant's keys may target, of ${BROKER_TARGET_KINDS.join(', ')}`),
  })
  .meta({ id: 'TenantPermissions' });

/**
 * `/v1/tenant-permissions`: which broker target kinds each tenant's own keys may use (HTTP kinds
 * and realtime are open to every tenant), as `outbox tenant-permissions`. Operator keys only.
 */
export function tenantPermissionRoutes(deps: { db: Kysely<Database> }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['tenant limits'];
    api.get(
      '/v1/tenant-permissions',
      {
        schema: {
          tags,
          summary: 'The broker target kinds opened to each tenant',
          response: { 200: z.object({ items: z.array(permissionsSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        requireOperator(request, 'Tenant permissions');
        return { items: await listTenantPermissions(deps.db) };
      },
    );
    api.put(
      '/v1/tenant-permissions/:tenant',
      {
        schema: {
          tags,
          summary: "Set the broker target kinds a tenant's keys may use ([] takes them away)",
          params: z.object({ tenant: z.string().max(128) }).strict(),
          body: z.object({ targetKinds: z.array(z.string().max(64)).max(20) }).strict(),
          response: { 200: permissionsSchema, ...problemResponses },
        },
      },
      async (request) => {
        requireOperator(request, 'Tenant permissions');
        try {
          return await setTenantPermissions(deps.db, request.params.tenant, request.body.targetKinds);
        } catch (error) {
          if (!(error instanceof InvalidSubscriptionError)) throw error;
          throw new HttpProblem(
            400,
            'Invalid tenant permissions',
            error.message,
            error.issues.map((issue) => ({ field: issue.field === 'tenant' ? 'params.tenant' : `body.${issue.field}`, message: issue.message })),
          );
        }
      },
    );
  };
}
