import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, FanoutStrategy, SubscriptionsTable } from '../db/database.js';
import { flowControlSchema, storedRetryPolicySchema } from '../subscriptions/subscription-schema.js';
import type { DeliveryRoute, RouteRole, SagaPlan } from '../workflows/definitions.js';
import { sagaPlanFor } from './resolve-saga.js';
import { openLanesOf } from './ordered-lanes.js';
import { tenantFlowControl } from '../subscriptions/tenant-flow-control.js';

const DEFAULT_TIMEOUT_MS = 10_000;

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
}

export type RouteRow = Pick<Selectable<SubscriptionsTable>, 'id' | 'name' | 'target_kind' | 'retry_policy' | 'flow_control'> & { timeout_ms: number | null };

/**
 * A stored policy that no longer parses (edited by hand) is a data error that no retry can fix:
 * the route gets one attempt, and the delivering activity refuses it for good, naming the field
 * (see describeStoredPolicyProblem), so the delivery is dead-lettered with the reason instead of
 * the routing step failing forever.
 */
const ONE_ATTEMPT_POLICY = storedRetryPolicySchema.parse({ maximumAttempts: 1 });

export function toRoute(row: RouteRow): DeliveryRoute {
  const policy = storedRetryPolicySchema.safeParse(row.retry_policy);
  return {
    subscriptionId: row.id,
    subscriptionName: row.name,
    targetKind: row.target_kind,
    timeoutMs: row.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    retryPolicy: policy.success ? policy.data : ONE_ATTEMPT_POLICY,
    ...flowControlOf(row.flow_control),
  };
}

/**
 * What is wrong with a subscription's stored retry policy, or undefined when it parses.
 *
 * @example
 * describeStoredPolicyProblem({ maximumAttempts: 'lots' }); // 'maximumAttempts: Invalid input: expected number, received string'
 */
export function describeStoredPolicyProblem(stored: unknown): string | undefined {
  const parsed = storedRetryPolicySchema.safeParse(stored);
  return parsed.success ? undefined : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(the policy)'}: ${issue.message}`).join('; ');
}

/** A subscription without limits of its own takes the tenant's default, if there is one. */
export function withTenantLimits(route: DeliveryRoute, tenantLimits: DeliveryRoute['flowControl']): DeliveryRoute {
  return route.flowControl || !tenantLimits ? route : { ...route, flowControl: tenantLimits };
}

/** The route's limits, only when it has some (routes without limits look as they always did). */
function flowControlOf(stored: unknown): Pick<DeliveryRoute, 'flowControl'> {
  const parsed = flowControlSchema.safeParse(stored ?? {});
  if (!parsed.success || Object.keys(parsed.data).length === 0) return {};
  return { flowControl: parsed.data };
}

export function routeColumns(db: Kysely<Database>) {
  return db
    .selectFrom('outbox.subscriptions')
    .select(['id', 'name', 'target_kind', 'retry_policy', 'flow_control', sql<number | null>`(target_config ->> 'timeoutMs')::integer`.as('timeout_ms')]);
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

  const rows = await routeColumns(db)
    .where((eb) => eb.or([eb('tenant_id', '=', '*'), eb('tenant_id', '=', event.tenant_id)]))
    .where((eb) =>
      // An empty explicit list (only possible by hand: outbox.enqueue refuses it) names nobody.
      event.targets
        ? event.targets.length > 0
          ? eb('name', 'in', event.targets)
          : sql<boolean>`false`
        : eb(sql.val(event.event_type), 'like', eb.ref('event_like')),
    )
    .orderBy('id')
    .execute();

  const tenantLimits = await tenantFlowControl(db, event.tenant_id);
  const routes = rows.map((row) => withTenantLimits(toRoute(row), tenantLimits));
  const found = new Set(routes.map((route) => route.subscriptionName));
  const missingTargets = (event.targets ?? []).filter((name) => !found.has(name));
  const rule = await fanoutRuleFor(db, event.tenant_id, event.event_type);
  return { routes, roles: rolesUnder(rule, routes, missingTargets), strategy: rule.strategy, missingTargets, eventExists: true, ...orderedLanes };
}

/** The fan-out rule that applies to an event ('all' when none matches). */
export interface FanoutRule {
  strategy: FanoutStrategy;
  primary: string | null;
}

/** Each route's role under the event's fan-out rule; missing explicit targets are required. */
export function rolesUnder(rule: FanoutRule, routes: DeliveryRoute[], missingTargets: string[]): Record<string, RouteRole> {
  const names = routes.map((route) => route.subscriptionName);
  const roles: Record<string, RouteRole> = {};
  for (const name of names) {
    if (rule.strategy === 'any') roles[name] = 'any_of';
    else if (rule.strategy === 'primary' && rule.primary && names.includes(rule.primary)) roles[name] = name === rule.primary ? 'required' : 'best_effort';
    // A primary rule whose primary is not among the routes protects nothing: all are required.
    else roles[name] = 'required';
  }
  for (const name of missingTargets) roles[name] = 'required';
  return roles;
}

/**
 * The fan-out rule for an event: the tenant's own rule before one for every tenant, and the
 * most specific pattern (most literal characters) first; 'all' when none matches.
 */
async function fanoutRuleFor(db: Kysely<Database>, tenant: string, eventType: string): Promise<FanoutRule> {
  const rule = await db
    .selectFrom('outbox.fanout_rules')
    .select(['strategy', 'primary_subscription'])
    .where((eb) => eb.or([eb('tenant_id', '=', '*'), eb('tenant_id', '=', tenant)]))
    .where((eb) => eb(sql.val(eventType), 'like', eb.ref('event_like')))
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
  const event = await db.selectFrom('outbox.events').select('tenant_id').where('id', '=', input.eventId).executeTakeFirst();
  if (!event) return undefined;
  const row = await routeColumns(db)
    .where('name', '=', input.subscriptionName)
    .where((eb) => eb.or([eb('tenant_id', '=', '*'), eb('tenant_id', '=', event.tenant_id)]))
    .executeTakeFirst();
  return row ? withTenantLimits(toRoute(row), await tenantFlowControl(db, event.tenant_id)) : undefined;
}
