import { trace } from '@opentelemetry/api';
import { ApplicationFailure } from '@temporalio/common';
import type { DeliveryRoute } from '../routing/delivery-route.js';
import { tenantLimitsOf } from '../subscriptions/tenant-flow-control.js';
import type { DeliverResult, DeliveryDependencies } from './deliver-input.js';
import { attemptDelivery } from './deliver-to-target.js';
import { DeliveryFailureType, type DeliveryFailureDetails } from '../failures/failure-types.js';
import { loadRouting, type EventRouting } from './load-routing.js';
import { refuseUndeliverable } from './load-subscription.js';
import { resolveRoutes, type ResolvedRoutes } from './resolve-routes.js';
import { rolesUnder } from '../routing/fanout-roles.js';
import { toRoute, withTenantLimits } from '../routing/route-row.js';
import { routeForEventType } from '../routing/test-send-route.js';
import { retryTimingOf } from '../failures/retry-delay.js';
import { ShortRetries } from './short-retries.js';

/**
 * Longest target timeout the first pass sends with: a slower target's first attempt goes
 * through the regular path (its own local activity), so one slow endpoint cannot hold the
 * activity that routes an event for long.
 */
export const FIRST_PASS_MAX_TIMEOUT_MS = 30_000;

/** A route's first attempt as the first pass made it: delivered, or the failure Temporal would have seen. */
export type FirstAttempt =
  | { delivered: DeliverResult }
  | { failed: { message: string; type: string; nonRetryable: boolean; details: DeliveryFailureDetails | undefined } }
  /** Not sent: the endpoint was slow or busy (see EndpointPace); its first attempt goes as a regular activity. */
  | { deferred: 'slow' | 'busy' };

export interface FirstPassResult {
  /** Where the event goes, as resolveRoutes says. */
  resolved: ResolvedRoutes;
  /** Each route's first attempt, by subscription name: present only when the pass made them. */
  attempts?: Record<string, FirstAttempt>;
  /** The pass marked the event delivered (its only route was delivered). */
  eventDelivered?: boolean;
}

/**
 * The happy path in one local activity: one statement reads the event and its routing (see
 * loadRouting); when every route is plain (no saga, no ordered lane, no flow control, no
 * deadline, a timeout within FIRST_PASS_MAX_TIMEOUT_MS), each route's first attempt is made here
 * at once, and an event with one route that was delivered is marked delivered by the statement
 * that logs the attempt. Anything else gets only its routes, as from resolveRoutes, and the
 * workflow delivers it the regular way. A retry whose backoff is short is made here too
 * (short-retries.ts), so a blip costs no timer and no activity. A failed attempt is returned, not
 * thrown: the workflow carries on after it under the route's policy, exactly as after its own.
 *
 * @example
 * const { resolved, attempts } = await firstPass(deps, { eventId: '42', workflowId });
 */
export async function firstPass(deps: DeliveryDependencies, input: { eventId: string; workflowId: string }): Promise<FirstPassResult> {
  const routing = await loadRouting(deps.db, input.eventId);
  if (!routing) return { resolved: { routes: [], roles: {}, strategy: 'all', missingTargets: [], eventExists: false } };
  // Sagas and ordered lanes (including lanes the relay's commit is about to write) take the regular path.
  const lanesPossible =
    routing.hasLanes || (routing.event.aggregate_id !== null && routing.event.status === 'pending' && routing.subscriptions.some((s) => s.ordered));
  if (routing.hasSaga || lanesPossible) return { resolved: await resolveRoutes(deps.db, input.eventId, input.workflowId) };

  const tenantLimits = tenantLimitsOf(routing.tenantLimits);
  const routes = routing.subscriptions.map((row) => routeForEventType(withTenantLimits(toRoute(row), tenantLimits), routing.event.event_type));
  const found = new Set(routes.map((route) => route.subscriptionName));
  const missingTargets = (routing.event.targets ?? []).filter((name) => !found.has(name));
  const resolved: ResolvedRoutes = {
    routes,
    roles: rolesUnder(routing.rule, routes, missingTargets),
    strategy: routing.rule.strategy,
    missingTargets,
    eventExists: true,
  };
  if (!isPlain(routing, routes, missingTargets)) return { resolved };

  const attempts: Record<string, FirstAttempt> = {};
  let eventDelivered = false as boolean;
  // Settled, not raced: a failure of the database must not leave other sends running unseen.
  // Each attempt is a span of its own (a no-op without tracing), as a deliver activity's would be.
  const tracer = trace.getTracer('outbox');
  const settled = await Promise.allSettled(
    routes.map((route, index) =>
      tracer.startActiveSpan('outbox.deliver', async (span) => {
        const subscription = routing.subscriptions[index]!;
        const deferred = deps.pace?.deferral(subscription.id);
        if (deferred) {
          attempts[route.subscriptionName] = { deferred };
          deps.metrics.firstPassDeferred.inc({ subscription: deps.metrics.subscriptionLabel(subscription.name), reason: deferred });
          span.end();
          return;
        }
        const end = deps.pace?.begin(subscription.id);
        const deliverInput = {
          eventId: routing.event.id,
          subscriptionId: route.subscriptionId,
          workflowId: input.workflowId,
          backoff: retryTimingOf(route.retryPolicy),
        };
        const shortRetries = new ShortRetries(route.retryPolicy);
        try {
          refuseUndeliverable(subscription);
          for (let attempt = 1; ; attempt += 1) {
            try {
              const result = await attemptDelivery(deps, deliverInput, routing.event, subscription, { attempt, finishEventIfDelivered: routes.length === 1 });
              attempts[route.subscriptionName] = {
                delivered: { statusCode: result.statusCode, attempt: result.attempt, ...(result.skipped && { skipped: true }) },
              };
              if (result.eventFinished) eventDelivered = true;
              break;
            } catch (error) {
              if (!(error instanceof ApplicationFailure)) throw error;
              if (await shortRetries.waitBeforeNext(error, attempt)) continue;
              throw error;
            }
          }
        } catch (error) {
          if (!(error instanceof ApplicationFailure)) throw error;
          const details = error.details?.[0] as DeliveryFailureDetails | undefined;
          attempts[route.subscriptionName] = {
            failed: { message: error.message, type: error.type ?? DeliveryFailureType.retryable, nonRetryable: error.nonRetryable === true, details },
          };
        } finally {
          end?.();
          span.end();
        }
      }),
    ),
  );
  const broken = settled.find((outcome) => outcome.status === 'rejected');
  // The whole pass is retried (the activity's policy): the database must answer before we go on.
  if (broken) throw broken.reason;
  return { resolved, attempts, ...(eventDelivered ? { eventDelivered: true } : {}) };
}

/** Every route can take its first attempt here. */
function isPlain(routing: EventRouting, routes: DeliveryRoute[], missingTargets: string[]): boolean {
  if (routing.payloadTooLarge || missingTargets.length > 0 || routes.length === 0) return false;
  return routes.every((route) => !route.flowControl && route.retryPolicy.deadlineMs === undefined && route.timeoutMs <= FIRST_PASS_MAX_TIMEOUT_MS);
}
