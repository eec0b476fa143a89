import { ApplicationFailure, condition, patched, workflowInfo } from '@temporalio/workflow';
import { showSearchAttributes } from './show-search-attributes.js';
import { StatusIndex } from './status-index.js';
import type { EventStatus } from '../db/database.js';
import { DeliveryFailureType } from '../failures/failure-types.js';
import {
  DEFAULT_DEAD_LETTER_HOLD_MS,
  searchAttributeKeys,
  type DeliverEventInput,
  type DeliverEventResult,
  type DeliveryRoute,
  type SagaPlan,
  type EventDeliveryStatus,
  type OutboxWorkflowStatus,
} from './definitions.js';
import { eventStatusFor, overallStatus } from './event-status.js';
import { bookkeeping } from './bookkeeping.js';
import { deliverRoute, type RouteRun } from './route-delivery.js';
import { runSagaRoute } from './saga-route.js';
import { DeliverySignals } from './delivery-signals.js';
import { runFirstPass, takeFirstAttempts } from './first-pass-step.js';
import { OrderedTurns } from './ordered-turns.js';
import { canHandOver, carryOver, CONTINUE_AS_NEW_PATCH, continueDelivery, historyIsLong, restoreRuns } from './continue-as-new.js';

/**
 * Delivers one outbox event to every subscription it routes to, each under that subscription's
 * retry policy, in parallel. A delivery that exhausts its policy (or is refused for good) is
 * recorded in outbox.dead_letters and waits, for the dead-letter hold, for an operator's `retry`
 * or `discard` signal; the other routes are not held back. `replay` delivers again. An event
 * type with a saga route runs its steps in order instead, compensating on failure. A run whose
 * history grows long while its routes wait continues as new (continue-as-new.ts).
 */
export async function deliverEvent(input: DeliverEventInput): Promise<DeliverEventResult> {
  const { workflowId } = workflowInfo();
  const holdMs = input.deadLetterHoldMs ?? DEFAULT_DEAD_LETTER_HOLD_MS;
  const carried = input.carried;
  const restored = carried ? restoreRuns(carried) : undefined;
  const runs = restored?.runs ?? new Map<string, RouteRun>();
  const failures: unknown[] = [];
  let routed = carried !== undefined;
  let shownStatus: OutboxWorkflowStatus = carried?.shownStatus ?? 'Dispatched';
  // The relay marked the row dispatched; a replay's new run must say so itself.
  let writtenStatus: EventStatus | undefined = carried ? carried.writtenStatus : input.replay ? undefined : 'dispatched';
  let statusWrites: Promise<void> = Promise.resolve();
  // Lean workflows set OutboxStatus only off the happy path (status-index.ts); others on every
  // change. A continued run was decided by its first; a new one decides when it routes (below).
  let index = carried && input.leanHistory === true ? new StatusIndex(input, carried.indexedStatus) : undefined;

  const snapshot = (): EventDeliveryStatus => ({
    eventId: input.eventId,
    tenant: input.tenant,
    eventType: input.eventType,
    status: shownStatus,
    routes: [...runs.values()].map((run) => ({ ...run.status })),
  });
  const selected = (names?: string[]) => [...runs.values()].filter((run) => !names?.length || names.includes(run.status.subscriptionName));

  /** Shows the aggregate status in the UI now, and writes it to the row in order. */
  const syncStatus = (): Promise<void> => {
    const current = overallStatus([...runs.values()].map((run) => run.status));
    if (current !== shownStatus) {
      shownStatus = current;
      if (!index) showSearchAttributes(input, [{ key: searchAttributeKeys.status, value: current }]);
    }
    index?.update(
      current,
      [...runs.values()].some((run) => run.retrying === true),
    );
    // Chained, and reading the state when it runs: concurrent routes never write out of order.
    statusWrites = statusWrites.then(async () => {
      const wanted = eventStatusFor(overallStatus([...runs.values()].map((run) => run.status)));
      if (wanted === writtenStatus) return;
      await bookkeeping.setEventStatus({ eventId: input.eventId, status: wanted });
      writtenStatus = wanted;
    });
    return statusWrites;
  };

  // Ordered lanes this event still holds a place in, and wake-ups received.
  const turns = new OrderedTurns(input.eventId);
  for (const lane of carried?.openLanes ?? []) turns.open.add(lane);

  const anyOfSiblings = (run: RouteRun) => [...runs.values()].filter((other) => other !== run && other.status.role === 'any_of');
  /** Starts a pass of the route; `continued`: the pass the previous run was in (continue-as-new). */
  const start = (run: RouteRun, options: { continued?: boolean } = {}): void => {
    run.running = true;
    if (!options.continued) run.status.passes += 1;
    const lane = run.route && turns.open.has(run.route.subscriptionId) && run.status.state !== 'dead_lettered' ? run.route.subscriptionId : undefined;
    const deliver = async () => {
      if (lane) await turns.waitForTurn(lane, run);
      await deliverRoute(run, { input, workflowId, holdMs, syncStatus, anyOfSiblings: () => anyOfSiblings(run) });
      if (run.route && turns.open.has(run.route.subscriptionId)) await turns.close(run.route.subscriptionId);
    };
    void deliver()
      .catch((error: unknown) => failures.push(error))
      .finally(() => {
        run.running = false;
      });
  };

  const signals = new DeliverySignals(
    {
      status: snapshot,
      names: () => (routed ? [...runs.keys()] : undefined),
      retry: (names, actor) => {
        for (const run of selected(names)) if (run.status.state === 'dead_lettered') run.command = { kind: 'retry', ...(actor && { actor }) };
      },
      discard: (names, reason, actor) => {
        for (const run of selected(names)) if (run.status.state === 'dead_lettered') run.command = { kind: 'discard', reason, ...(actor && { actor }) };
      },
      replay: (names, actor) => {
        // Before routing, the first pass is still to come: it is the replay (signal-with-start).
        if (!routed) return;
        for (const run of selected(names)) {
          if (run.status.state === 'dead_lettered') run.command = { kind: 'retry', ...(actor && { actor }) };
          else if (run.running) run.replayAfter = true;
          else start(run);
        }
      },
    },
    (subscriptionId) => turns.wakeUp(subscriptionId),
  );

  if (restored) {
    // A continued run: the routes are known; parked ones go back to waiting where they were.
    for (const run of restored.waiting) start(run, { continued: true });
  } else {
    const saga = await route();
    if (saga) return runSagaRoute(saga, { input, workflowId, holdMs, signals });
  }

  // Done when no route is being worked on; a replay signal during the final write starts more.
  // A long history while every open route waits (an operator, a turn) continues as new.
  const idle = () => [...runs.values()].every((run) => !run.running);
  // Behind a patch, asked only when handing over: a history recorded before continue-as-new
  // existed replays as it ran (its long waits went on in one run).
  let handOverRefused = false;
  const handOver = () => !handOverRefused && historyIsLong(input) && canHandOver(runs.values(), turns, anyOfSiblings);
  for (;;) {
    await condition(() => failures.length > 0 || idle() || handOver());
    if (failures.length > 0) throw failures[0];
    if (!idle()) {
      await statusWrites;
      if (!handOver()) continue;
      if (patched(CONTINUE_AS_NEW_PATCH))
        return continueDelivery(
          input,
          carryOver(runs.values(), { turns, writtenStatus, shownStatus, indexedStatus: index?.indexed, ...(carried && { previous: carried }) }),
        );
      handOverRefused = true;
      continue;
    }
    await syncStatus();
    if (idle()) return snapshot();
  }

  /** Routes the event and starts its routes; a saga plan instead, when a saga route takes it. */
  async function route(): Promise<SagaPlan | undefined> {
    // The first pass routes the event and makes plain routes' first attempts in one step.
    // Workflows started without the flag (earlier relays, recorded histories) use resolveRoutes.
    const first = input.firstPass === true ? await runFirstPass({ eventId: input.eventId, workflowId }) : undefined;
    const resolved = first?.resolved ?? (await bookkeeping.resolveRoutes({ eventId: input.eventId }));
    // Lean only if the worker that answered writes lean histories: the answer is in the history,
    // so a workflow whose first task an older worker ran replays in the older shape. The input
    // then says so to everything after (deliverOnce, the saga, the next run after continue-as-new).
    if (resolved.leanWorker !== true) delete input.leanHistory;
    if (input.leanHistory === true) index = new StatusIndex(input);
    if (!resolved.eventExists) {
      throw ApplicationFailure.nonRetryable(`event ${input.eventId} no longer exists in outbox.events`, DeliveryFailureType.eventGone);
    }
    for (const lane of resolved.orderedLanes ?? []) turns.open.add(lane);
    // A saga route replaces the plain fan-out (its handlers replace the ones above); it is not
    // delivered through the lanes, so they are left at once.
    if (resolved.saga) {
      for (const lane of [...turns.open]) await turns.close(lane);
      return resolved.saga;
    }
    const wanted = (name: string) => !input.subscriptions?.length || input.subscriptions.includes(name);
    const newRun = (name: string, route: DeliveryRoute | undefined): RouteRun => ({
      status: { subscriptionName: name, state: 'delivering', role: resolved.roles?.[name] ?? 'required', attempts: 0, passes: 0 },
      route,
      running: false,
      replayAfter: false,
      awaitingSiblings: false,
    });
    for (const route of resolved.routes) if (wanted(route.subscriptionName)) runs.set(route.subscriptionName, newRun(route.subscriptionName, route));
    for (const name of resolved.missingTargets) if (wanted(name)) runs.set(name, newRun(name, undefined));
    routed = true;
    // Lanes of subscriptions this run does not deliver to (filtered out, removed) are left at once.
    const delivered = new Set([...runs.values()].flatMap((run) => (run.route ? [run.route.subscriptionId] : [])));
    for (const lane of [...turns.open]) if (!delivered.has(lane)) await turns.close(lane);
    if (first) takeFirstAttempts(runs, first.attempts);
    if (first?.eventDelivered) writtenStatus = 'delivered';
    if (index) {
      // No upsert: the targets are shown with the first status the event needs shown, if any.
      index.targets([...runs.keys()]);
    } else if (first) {
      // Routes the first pass delivered are done; failed ones go on from attempt 2. One upsert.
      const current = overallStatus([...runs.values()].map((run) => run.status));
      const status = current !== shownStatus && runs.size > 0 ? [{ key: searchAttributeKeys.status, value: current }] : [];
      if (status.length > 0) shownStatus = current;
      showSearchAttributes(input, [{ key: searchAttributeKeys.targets, value: [...runs.keys()] }, ...status]);
    } else {
      showSearchAttributes(input, [{ key: searchAttributeKeys.targets, value: [...runs.keys()] }]);
    }
    if (runs.size > 0) void syncStatus();
    for (const run of runs.values()) if (run.status.state !== 'delivered') start(run);
    return undefined;
  }
}
