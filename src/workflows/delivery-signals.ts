// The workflow's signal and query handlers, registered once per run. They are one-line calls
// into whichever delivery holds the event: the fan-out routes, or a saga route that took over
// (see deliverEvent). Signal input is checked here, in one place: anyone with access to the
// namespace can signal (the Temporal UI's Signal button), so a malformed one is refused, logged
// and listed in the status query, never half-applied. Workflow code: no Node built-ins.
import { log, setHandler } from '@temporalio/workflow';
import { discardSignal, orderedTurnSignal, replaySignal, retrySignal, statusQuery, type EventDeliveryStatus } from './definitions.js';
import type { RefusedSignal } from './delivery-status.js';

/** What the operator's signals act on: the subscriptions they name (all when none), or the whole event. */
export interface SignalTarget {
  status(): EventDeliveryStatus;
  /** The names a signal may give (routes, saga steps and their compensations); undefined before routing. */
  names(): string[] | undefined;
  retry(subscriptions: string[] | undefined, actor: string | undefined): void;
  discard(subscriptions: string[] | undefined, reason: string, actor: string | undefined): void;
  replay(subscriptions: string[] | undefined, actor: string | undefined): void;
}

/** A signal's input once checked: the names it selects (all when undefined), its reason and actor. */
interface Selection {
  subscriptions: string[] | undefined;
  reason: string;
  actor: string | undefined;
}

/** How many refused signals the status query lists (the newest). */
const MAX_REFUSED_SHOWN = 10;

/** The reason a discard records: the operator's, or a default saying none was given. */
export function discardReason(args: { reason?: unknown } | undefined): string {
  return (typeof args?.reason === 'string' && args.reason.trim().slice(0, 500)) || 'discarded by an operator (no reason given)';
}

/**
 * Checks a retry, discard or replay signal's input: an object whose `subscriptions`, when given,
 * is a list of names this event's routes (or saga steps) have, matched exactly. Returns what to
 * act on (nothing when the input is malformed or names only unknown routes) and what it refused.
 *
 * @example
 * checkSignal({ subscriptions: 'erp' }, ['erp']); // { refused: 'subscriptions must be a list of names, e.g. ["erp"]; got a string' }
 */
export function checkSignal(args: unknown, known: string[] | undefined): { act?: Selection; refused?: string } {
  if (args === undefined || args === null) return { act: { subscriptions: undefined, reason: discardReason(undefined), actor: undefined } };
  if (typeof args !== 'object' || Array.isArray(args))
    return { refused: `the input must be an object such as {"subscriptions": ["erp"]}; got ${describe(args)}` };
  const input = args as { subscriptions?: unknown; reason?: unknown; actor?: unknown };
  const names = input.subscriptions;
  if (names !== undefined && (!Array.isArray(names) || names.some((name) => typeof name !== 'string'))) {
    return { refused: `subscriptions must be a list of names, e.g. ["erp"]; got ${describe(names)}` };
  }
  const given = (names as string[] | undefined) ?? [];
  const unknown = known ? given.filter((name) => !known.includes(name)) : [];
  const refused =
    unknown.length > 0
      ? `no route of this event is named ${unknown.map((name) => JSON.stringify(name.slice(0, 128))).join(', ')} (names match exactly); its routes: ${known!.join(', ') || 'none'}`
      : undefined;
  const wanted = given.filter((name) => !unknown.includes(name));
  // Names given, none of them known: nothing to act on (an empty list would mean every route).
  if (given.length > 0 && wanted.length === 0) return { ...(refused && { refused }) };
  const actor = typeof input.actor === 'string' && input.actor.length <= 200 ? input.actor : undefined;
  return { act: { subscriptions: wanted.length > 0 ? wanted : undefined, reason: discardReason(input), actor }, ...(refused && { refused }) };
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list with something other than names in it' : value === null ? 'null' : `a ${typeof value}`;
}

/**
 * Registers the handlers, pointing at `target` until handOver() names another.
 *
 * @example
 * const signals = new DeliverySignals(fanOut, (lane) => turns.wakeUp(lane));
 * signals.handOver(sagaTarget); // a saga route takes the event
 */
export class DeliverySignals {
  private readonly refused: RefusedSignal[] = [];

  constructor(
    private target: SignalTarget,
    onTurn: (subscriptionId: string) => void,
  ) {
    setHandler(statusQuery, () => this.status());
    setHandler(orderedTurnSignal, ({ subscriptionId }) => onTurn(subscriptionId));
    setHandler(retrySignal, (args) => this.act('retry', args, (selection) => this.target.retry(selection.subscriptions, selection.actor)));
    setHandler(discardSignal, (args) =>
      this.act('discard', args, (selection) => this.target.discard(selection.subscriptions, selection.reason, selection.actor)),
    );
    setHandler(replaySignal, (args) => this.act('replay', args, (selection) => this.target.replay(selection.subscriptions, selection.actor)));
  }

  /** From now on the signals act on `target`. */
  handOver(target: SignalTarget): void {
    this.target = target;
  }

  private status(): EventDeliveryStatus {
    const status = this.target.status();
    return this.refused.length > 0 ? { ...status, refusedSignals: [...this.refused] } : status;
  }

  private act(signal: RefusedSignal['signal'], args: unknown, apply: (selection: Selection) => void): void {
    const checked = checkSignal(args, this.target.names());
    if (checked.refused) {
      log.warn(`${signal} signal refused: ${checked.refused}`, { signal });
      this.refused.push({ signal, reason: checked.refused });
      if (this.refused.length > MAX_REFUSED_SHOWN) this.refused.shift();
    }
    if (checked.act) apply(checked.act);
  }
}
