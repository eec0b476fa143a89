import { sql, type Kysely } from 'kysely';
import type { Database, FanoutStrategy } from '../db/database.js';
import type { DeliveryRoute, RouteRole, SagaPlan } from '../routing/delivery-route.js';
import { rolesUnder, type FanoutRule } from '../routing/fanout-roles.js';
import { routeColumns, toRoute, withTenantLimits } from '../routing/route-row.js';
import { routeForEventType } from '../routing/test-send-route.js';
import { appliesTo, routesTo } from '../routing/routing-rule.js';
import { sagaPlanFor } from './resolve-saga.js';
import { openLanesOf } from './ordered-lanes.js';
import { tenantFlowControl } from '../subscriptions/tenant-flow-control.js';

/** The subscriptions an event goes to, and any explicit target that matched none. */
export interface ResolvedRoutes {
  routes: DeliveryRoute[];
  /**
   * Each route's role under the event's fan-out rule (missing targets are required). Optional:
   * results recorded in histories before fan-out existed lack it, and mean "all required".
   */
  roles?: Record<string, RouteRole>;
  strategy?: FanoutStrategy;
  /** Names listed in the event's `targets` with no subscription of that name for its tenant. */
  missingTargets: string[];
  /** False when the event row is gone (deleted behind the engine's back). */
  eventExists: boolean;
  /** The event goes through this saga route instead of `routes` (absent in older histories). */
  saga?: SagaPlan;
  /**
   * Ordered subscriptions (ids) whose lanes hold this event: those routes wait for their turn, and
   * lanes the event is not delivered to are closed at once. Absent when there are none.
   */
  orderedLanes?: string[];
  /**
   * Set by workers that write lean histories (DeliverEventInput.leanHistory). The workflow goes
   * lean only when its routing answer says so: an answer recorded by an older worker (which ran
   * the workflow's first task in the older shape) keeps the older shape on every replay.
   */
  leanWorker?: true;
}

/**
 * Finds the subscriptions an event goes to (disabled ones too: their deliveries are dead-lettered
 * as disabled, never dropped, so re-enabling can redrive them). Without explicit targets: every subscription
 * of the event's tenant (or of all tenants, `*`) whose pattern matches the type. With explicit
 * targets: exactly the named subscriptions of that tenant, whatever their pattern.
 *
 * `workflowId` (the caller's) is written to the row if the relay that started it never committed.
 *
 * @example
 * const { routes } = await resolveRoutes(db, '42', workflowId);
 */
export async function resolveRoutes(db: Kysely<Database>, eventId: string, workflowId?: string): Promise<ResolvedRoutes> {
  const readEvent = () =>
    db.selectFrom('outbox.events').select(['id', 'tenant_id', 'event_type', 'targets', 'aggregate_id', 'status']).where('id', '=', eventId);
  let event = await readEvent().executeTakeFirst();
  if (!event) return { routes: [], roles: {}, strategy: 'all', missingTargets: [], eventExists: false };
  // Still pending: the relay that started this workflow has not committed yet, and its commit
  // puts the event in its ordered lanes. FOR SHARE waits for that commit (the relay holds the row).
  if (event.status === 'pending' && event.aggregate_id !== null) {
    event = (await readEvent().forShare().executeTakeFirst()) ?? event;
    // Pending still: the relay's batch rolled back (it died, or its COMMIT failed) after it had
    // started this workflow. Dispatch the row from here, as the relay would have, so the event
    // takes its turn in its lanes instead of delivering outside them (and a relay that claims
    // the row again finds nothing left to mark, so no lane place is left that nobody closes).
    if (event.status === 'pending' && workflowId)
      await sql`SELECT outbox.mark_dispatched(ARRAY[${eventId}]::bigint[], ARRAY[${workflowId}]::text[])`.execute(db);
  }
  const lanes = event.aggregate_id === null ? [] : await openLanesOf(db, eventId);
  const orderedLanes = lanes.length > 0 ? { orderedLanes: lanes } : {};
  // Explicit targets name plain subscriptions; otherwise a matching saga route takes the event.
  const saga = event.targets ? undefined : await sagaPlanFor(db, event);
  if (saga) return { routes: [], roles: {}, strategy: 'all', missingTargets: [], eventExists: true, saga, ...orderedLanes };

  const rows = await routeColumns(db).where(routesTo(event)).orderBy('id').execute();

  const tenantLimits = await tenantFlowControl(db, event.tenant_id);
  const routes = rows.map((row) => routeForEventType(withTenantLimits(toRoute(row), tenantLimits), event.event_type));
  const found = new Set(routes.map((route) => route.subscriptionName));
  const missingTargets = (event.targets ?? []).filter((name) => !found.has(name));
  const rule = await fanoutRuleFor(db, event.tenant_id, event.event_type);
  return { routes, roles: rolesUnder(rule, routes, missingTargets), strategy: rule.strategy, missingTargets, eventExists: true, ...orderedLanes };
}

/**
 * The fan-out rule for an event: the tenant's own rule before one for every tenant, and the
 * most specific pattern (most literal characters) first; 'all' when none matches.
 */
async function fanoutRuleFor(db: Kysely<Database>, tenant: string, eventType: string): Promise<FanoutRule> {
  const rule = await db
    .selectFrom('outbox.fanout_rules')
    .select(['strategy', 'primary_subscription'])
    .where(appliesTo({ tenant_id: tenant, event_type: eventType }))
    .orderBy(sql`(tenant_id <> '*')`, 'desc')
    .orderBy(sql`length(replace(event_pattern, '*', ''))`, 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return rule ? { strategy: rule.strategy, primary: rule.primary_subscription } : { strategy: 'all', primary: null };
}

/**
 * The current route for one subscription of an event, read again when an operator retries: a
 * policy changed since the first pass applies to the retry. Looked up by name, so a target that
 * was missing when the event was routed is found once it exists. Undefined when there is no
 * subscription of that name for the event's tenant.
 */
export async function routeFor(db: Kysely<Database>, input: { eventId: string; subscriptionName: string }): Promise<DeliveryRoute | undefined> {
  const event = await db.selectFrom('outbox.events').select(['tenant_id', 'event_type']).where('id', '=', input.eventId).executeTakeFirst();
  if (!event) return undefined;
  const row = await routeColumns(db)
    .where('name', '=', input.subscriptionName)
    .where((eb) => eb.or([eb('tenant_id', '=', '*'), eb('tenant_id', '=', event.tenant_id)]))
    .executeTakeFirst();
  return row ? routeForEventType(withTenantLimits(toRoute(row), await tenantFlowControl(db, event.tenant_id)), event.event_type) : undefined;
}
