/**
 * The routing room: where an event goes. This file holds the route as the workflow sees it (plain
 * types, no target settings, no secrets); route-row.ts builds one from a subscription row;
 * routing-rule.ts is the TypeScript face of the rule's SQL functions (migrations/0028), the only
 * place that says which subscriptions, fan-out rules and sagas apply to an event; fanout-roles.ts
 * gives each route its role. It may import db/ and subscriptions/ (schemas); activities/,
 * workflows/ and outbox/ import it.
 */

/**
 * What a route's success means for the event (from its fan-out strategy): `required` must
 * succeed (failures are dead-lettered); `best_effort` may fail (logged, never dead-lettered);
 * `any_of`: one of the event's any_of routes must succeed.
 */
export type RouteRole = 'required' | 'best_effort' | 'any_of';

/** One subscription an event goes to, as the workflow sees it (no target settings, no secrets). */
export interface DeliveryRoute {
  subscriptionId: string;
  subscriptionName: string;
  targetKind: string;
  timeoutMs: number;
  retryPolicy: {
    initialIntervalMs: number;
    backoffCoefficient: number;
    maximumIntervalMs: number;
    maximumAttempts: number;
    /** Overall time for all attempts of one pass; none when absent. */
    deadlineMs?: number;
    nonRetryableErrorTypes: string[];
    /** How retries are spaced (absent in older histories: exponential without jitter). */
    schedule?: 'exponential' | 'standard-webhooks' | 'custom';
    /** Delays between attempts for the standard-webhooks and custom schedules. */
    retryDelaysMs?: number[];
    /** Spread of each retry delay, 0..1. */
    jitter?: number;
  };
  /** Per-endpoint rate limit and in-flight cap, when the subscription has them. */
  flowControl?: { ratePerSecond?: number; burst?: number; maxInFlight?: number };
}

/** One step of a saga route as resolved for an event: subscriptions by name, with their routes. */
export interface SagaPlanStep {
  name: string;
  target: string;
  /** Undefined when no subscription of that name exists for the tenant. */
  route?: DeliveryRoute;
  compensation?: { name: string; route?: DeliveryRoute };
}

/** A saga route for one event (no target settings, no secrets). */
export interface SagaPlan {
  name: string;
  steps: SagaPlanStep[];
}
