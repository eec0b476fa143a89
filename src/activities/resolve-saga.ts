import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { sagaStepsSchema } from '../sagas/define-saga.js';
import type { DeliveryRoute, SagaPlan } from '../routing/delivery-route.js';
import { tenantFlowControl } from '../subscriptions/tenant-flow-control.js';
import { routeColumns, toRoute, withTenantLimits } from '../routing/route-row.js';
import { appliesTo } from '../routing/routing-rule.js';

/**
 * The saga route an event goes through, if any: the tenant's own saga before one for every
 * tenant, the most specific pattern first. Steps name subscriptions; each is resolved to its
 * route (policy, timeout) now, so the workflow carries no settings and no secrets.
 *
 * @example
 * const plan = await sagaPlanFor(db, { id: '42', tenant_id: 'acme', event_type: 'payment.requested' });
 */
export async function sagaPlanFor(db: Kysely<Database>, event: { tenant_id: string; event_type: string }): Promise<SagaPlan | undefined> {
  const saga = await db
    .selectFrom('outbox.sagas')
    .select(['name', 'steps'])
    .where(appliesTo(event))
    .orderBy(sql`(tenant_id <> '*')`, 'desc')
    .orderBy(sql`length(replace(event_pattern, '*', ''))`, 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!saga) return undefined;
  const steps = sagaStepsSchema.parse(saga.steps);
  const names = [...new Set(steps.flatMap((step) => [step.target, ...(step.compensation ? [step.compensation] : [])]))];
  const rows = await routeColumns(db)
    .where('name', 'in', names)
    .where((eb) => eb.or([eb('tenant_id', '=', '*'), eb('tenant_id', '=', event.tenant_id)]))
    .execute();
  const tenantLimits = await tenantFlowControl(db, event.tenant_id);
  const routes = new Map<string, DeliveryRoute>(rows.map((row) => [row.name, withTenantLimits(toRoute(row), tenantLimits)]));
  return {
    name: saga.name,
    steps: steps.map((step) => ({
      name: step.name,
      target: step.target,
      ...(routes.has(step.target) && { route: routes.get(step.target) }),
      ...(step.compensation && { compensation: { name: step.compensation, ...(routes.has(step.compensation) && { route: routes.get(step.compensation) }) } }),
    })),
  };
}
