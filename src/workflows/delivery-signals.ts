// The workflow's signal and query handlers, registered once per run. They are one-line calls
// into whichever delivery holds the event: the fan-out routes, or a saga route that took over
// (see deliverEvent). Workflow code: no Node built-ins.
import { setHandler } from '@temporalio/workflow';
import { discardSignal, orderedTurnSignal, replaySignal, retrySignal, statusQuery, type DiscardSignalArgs, type EventDeliveryStatus } from './definitions.js';

/** What the operator's signals act on: the subscriptions they name (all when none), or the whole event. */
export interface SignalTarget {
  status(): EventDeliveryStatus;
  retry(subscriptions: string[] | undefined): void;
  discard(subscriptions: string[] | undefined, reason: string): void;
  replay(subscriptions: string[] | undefined): void;
}

/** The reason a discard records: the operator's, or a default saying none was given. */
export function discardReason(args: DiscardSignalArgs | undefined): string {
  return args?.reason?.trim() || 'discarded by an operator (no reason given)';
}

/**
 * Registers the handlers, pointing at `target` until handOver() names another.
 *
 * @example
 * const signals = new DeliverySignals(fanOut, (lane) => turns.wakeUp(lane));
 * signals.handOver(sagaTarget); // a saga route takes the event
 */
export class DeliverySignals {
  constructor(
    private target: SignalTarget,
    onTurn: (subscriptionId: string) => void,
  ) {
    setHandler(statusQuery, () => this.target.status());
    setHandler(orderedTurnSignal, ({ subscriptionId }) => onTurn(subscriptionId));
    setHandler(retrySignal, (args) => this.target.retry(args?.subscriptions));
    setHandler(discardSignal, (args) => this.target.discard(args?.subscriptions, discardReason(args)));
    setHandler(replaySignal, (args) => this.target.replay(args?.subscriptions));
  }

  /** From now on the signals act on `target`. */
  handOver(target: SignalTarget): void {
    this.target = target;
  }
}
