import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, SubscriptionsTable } from '../db/database.js';
import { flowControlSchema, storedRetryPolicySchema } from '../subscriptions/subscription-schema.js';
import type { DeliveryRoute } from './delivery-route.js';

// A subscription row as a route: the columns routing reads, and what the workflow gets of them.

const DEFAULT_TIMEOUT_MS = 10_000;

export type RouteRow = Pick<Selectable<SubscriptionsTable>, 'id' | 'name' | 'target_kind' | 'retry_policy' | 'flow_control'> & { timeout_ms: number | null };

/**
 * A stored policy that no longer parses (edited by hand) is a data error that no retry can fix:
 * the route gets one attempt, and the delivering activity refuses it for good, naming the field
 * (see describeStoredPolicyProblem), so the delivery is dead-lettered with the reason instead of
 * the routing step failing forever.
 */
const ONE_ATTEMPT_POLICY = storedRetryPolicySchema.parse({ maximumAttempts: 1 });

/**
 * The route for a subscription row.
 *
 * @example
 * const routes = (await routeColumns(db).execute()).map(toRoute);
 */
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

/** Selects the columns a route is built from (see toRoute). */
export function routeColumns(db: Kysely<Database>) {
  return db
    .selectFrom('outbox.subscriptions')
    .select(['id', 'name', 'target_kind', 'retry_policy', 'flow_control', sql<number | null>`(target_config ->> 'timeoutMs')::integer`.as('timeout_ms')]);
}
