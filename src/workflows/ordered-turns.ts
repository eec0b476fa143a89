// Ordered lanes from the workflow's side: wait for the event's turn in a subscription's lane,
// leave the lane and wake the next event. Workflow code: no Node built-ins.
import { condition, getExternalWorkflowHandle } from '@temporalio/workflow';
import type { TurnAnswer } from '../activities/ordered-lanes.js';
import { orderedTurnSignal } from './definitions.js';
import { bookkeeping } from './bookkeeping.js';
import type { RouteRun } from './route-delivery.js';

/** Longest wait between two looks at the lane: a wake-up signal normally comes long before. */
const MAX_RECHECK_MS: Record<Exclude<TurnAnswer, { go: true }>['wakeUp'], number> = { signalled: 15 * 60_000, poll: 60_000 };

/**
 * How long to wait before asking again, after `round` answers naming the same blocker: the
 * answer's own interval, doubling each round up to a ceiling, so a lane held for days (a dead
 * letter, a stopped relay) costs a few history events an hour rather than thousands.
 *
 * @example
 * recheckAfter({ go: false, wakeUp: 'poll', recheckMs: 1_000, blockedBy: '7' }, 3); // 8 000
 */
export function recheckAfter(answer: Exclude<TurnAnswer, { go: true }>, round: number): number {
  return Math.min(answer.recheckMs * 2 ** Math.min(round, 20), Math.max(answer.recheckMs, MAX_RECHECK_MS[answer.wakeUp]));
}

/** The lanes one event holds a place in, and the wake-ups it received. */
export class OrderedTurns {
  /** Ordered lanes (subscription ids) this event still holds a place in. */
  readonly open = new Set<string>();
  private readonly signalled = new Set<string>();

  constructor(private readonly eventId: string) {}

  /** The `orderedTurn` signal: an earlier event of the lane finished. */
  wakeUp(subscriptionId: string): void {
    this.signalled.add(subscriptionId);
  }

  /** Waits until every earlier event of the aggregate is done in this subscription's lane. */
  async waitForTurn(subscriptionId: string, run: RouteRun): Promise<void> {
    let round = 0;
    for (;;) {
      // Cleared before asking, so a wake-up that races with the answer is kept, not lost.
      this.signalled.delete(subscriptionId);
      const answer = await bookkeeping.takeTurn({ eventId: this.eventId, subscriptionId });
      if (answer.go) {
        delete run.status.waitingForEvent;
        return;
      }
      round = answer.blockedBy === run.status.waitingForEvent ? round + 1 : 0;
      run.status.waitingForEvent = answer.blockedBy;
      run.parked = 'turn';
      await condition(() => this.signalled.has(subscriptionId), recheckAfter(answer, round));
      run.parked = undefined;
    }
  }

  /** A wake-up arrived that the waiting route has not acted on yet. */
  hasPendingWakeUp(subscriptionId: string): boolean {
    return this.signalled.has(subscriptionId);
  }

  /** Leaves the lane and wakes the next event waiting in it. */
  async close(subscriptionId: string): Promise<void> {
    if (!this.open.delete(subscriptionId)) return;
    const { successorWorkflowId } = await bookkeeping.finishTurn({ eventId: this.eventId, subscriptionId });
    if (!successorWorkflowId) return;
    // Not started yet (or already gone): it finds the lane open when it asks for its turn.
    await getExternalWorkflowHandle(successorWorkflowId)
      .signal(orderedTurnSignal, { subscriptionId })
      .catch(() => undefined);
  }
}
