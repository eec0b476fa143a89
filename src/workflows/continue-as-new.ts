// Continue-as-new for deliverEvent: a delivery can wait for weeks (a dead letter held for an
// operator, an ordered lane held by one), and every wake-up, signal and re-check adds history
// events. Before the history nears Temporal's limits the run hands its routes, lanes and status
// to a new run of the same workflow id, so signals (which go to the latest run) keep working.
// Workflow code: no Node built-ins.
import { makeContinueAsNewFunc, workflowInfo } from '@temporalio/workflow';
import type { EventStatus } from '../db/database.js';
import { DEFAULT_HISTORY_LIMIT, type CarriedDelivery, type DeliverEventInput, type DeliverEventResult, type OutboxWorkflowStatus } from './definitions.js';
import type { OrderedTurns } from './ordered-turns.js';
import { isSuperseded, type RouteRun } from './route-delivery.js';

/** The patch id that marks runs able to continue as new (asked only at the moment of handing over). */
export const CONTINUE_AS_NEW_PATCH = 'continue-as-new-while-waiting';

/** The server suggests continuing as new, or the history reached the input's (or our) bound. */
export function historyIsLong(input: DeliverEventInput): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= (input.historyLimit ?? DEFAULT_HISTORY_LIMIT);
}

/**
 * Whether the run can hand over now: at least one route is parked (waiting for an operator or
 * its turn) with no wake-up pending, and every other route is finished. A route in the middle of
 * anything (an activity, a status write, leaving a lane) keeps the run going until it parks.
 */
export function canHandOver(runs: Iterable<RouteRun>, turns: OrderedTurns, anyOfSiblings: (run: RouteRun) => RouteRun[]): boolean {
  let parked = 0;
  for (const run of runs) {
    if (!run.running) continue;
    if (run.parked === 'dead_letter' && run.command === undefined && !isSuperseded(run, { anyOfSiblings: () => anyOfSiblings(run) })) parked += 1;
    else if (run.parked === 'turn' && run.route && !turns.hasPendingWakeUp(run.route.subscriptionId)) parked += 1;
    else return false;
  }
  return parked > 0;
}

/** What the next run needs: every route's status, where each parked one waits, and the lanes. */
export function carryOver(
  runs: Iterable<RouteRun>,
  state: {
    turns: OrderedTurns;
    writtenStatus: EventStatus | undefined;
    shownStatus: OutboxWorkflowStatus;
    indexedStatus?: OutboxWorkflowStatus | undefined;
    previous?: CarriedDelivery;
  },
): CarriedDelivery {
  return {
    routes: [...runs].map((run) => ({
      status: { ...run.status },
      ...(run.route && { route: run.route }),
      ...(run.running && run.parked === 'dead_letter' && run.holdUntil !== undefined && { holdUntil: run.holdUntil }),
      ...(run.command && { command: run.command }),
      ...(run.running && run.parked === 'turn' && { waitingForTurn: true }),
    })),
    openLanes: [...state.turns.open],
    ...(state.writtenStatus && { writtenStatus: state.writtenStatus }),
    shownStatus: state.shownStatus,
    ...(state.indexedStatus && { indexedStatus: state.indexedStatus }),
    runs: (state.previous?.runs ?? 1) + 1,
  };
}

/** The routes a continued run starts with; parked ones go back to waiting where they were. */
export function restoreRuns(carried: CarriedDelivery): { runs: Map<string, RouteRun>; waiting: RouteRun[] } {
  const runs = new Map<string, RouteRun>();
  const waiting: RouteRun[] = [];
  for (const route of carried.routes) {
    const run: RouteRun = {
      status: route.status,
      route: route.route,
      running: false,
      replayAfter: false,
      awaitingSiblings: false,
      ...(route.holdUntil !== undefined && { holdUntil: route.holdUntil }),
      ...(route.command && { command: route.command }),
    };
    runs.set(route.status.subscriptionName, run);
    if (route.holdUntil !== undefined || route.waitingForTurn) waiting.push(run);
  }
  return { runs, waiting };
}

/**
 * Ends this run and starts the next with the carried state, the same memo (the relay checks
 * it) and the same search attributes (the UI's filters).
 */
export function continueDelivery(input: DeliverEventInput, carried: CarriedDelivery): Promise<never> {
  const info = workflowInfo();
  // The next run routes nothing: its routes are carried.
  const next: DeliverEventInput = { ...input, carried };
  delete next.firstPass;
  return makeContinueAsNewFunc<(input: DeliverEventInput) => Promise<DeliverEventResult>>({
    ...(info.memo && { memo: info.memo }),
    ...(input.searchAttributes !== false && { typedSearchAttributes: info.typedSearchAttributes }),
  })(next);
}
