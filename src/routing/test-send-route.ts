import type { DeliveryRoute } from './delivery-route.js';

// Test sends (`POST /v1/subscriptions/{id}/test`) are ordinary events of this type, addressed to
// one subscription. What makes them cheap to allow, decided here in one place: one attempt, with
// a short timeout, whatever the subscription's own policy says. A test to an endpoint that never
// answers then holds a worker slot for at most TEST_SEND_TIMEOUT_MS, and is never retried.

/** The event type of test sends (in the engine's own namespace: their failures emit no operational events). */
export const TEST_EVENT_TYPE = 'outbox.test';

/** A test send's attempt gives up after this long (or the subscription's own timeout, if shorter). */
export const TEST_SEND_TIMEOUT_MS = 10_000;

/**
 * The route as a test send takes it: one attempt, at most TEST_SEND_TIMEOUT_MS; other events'
 * routes unchanged.
 *
 * @example
 * const routes = rows.map(toRoute).map((route) => routeForEventType(route, event.event_type));
 */
export function routeForEventType(route: DeliveryRoute, eventType: string): DeliveryRoute {
  if (eventType !== TEST_EVENT_TYPE) return route;
  const policy = { ...route.retryPolicy, maximumAttempts: 1 };
  delete policy.deadlineMs;
  return { ...route, timeoutMs: Math.min(route.timeoutMs, TEST_SEND_TIMEOUT_MS), retryPolicy: policy };
}

/**
 * How long one attempt of an event of this type may take, given the target's own timeout.
 *
 * @example
 * attemptTimeoutMs('outbox.test', 60_000); // 10 000
 */
export function attemptTimeoutMs(eventType: string, configuredMs: number): number {
  return eventType === TEST_EVENT_TYPE ? Math.min(configuredMs, TEST_SEND_TIMEOUT_MS) : configuredMs;
}
