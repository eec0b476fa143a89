// What the OutboxStatus and OutboxTargets search attributes hold for a lean workflow
// (DeliverEventInput.leanHistory). Workflow code: no Node built-ins.
//
// Every upsert is a billed Action on Temporal Cloud and a visibility write on any cluster, so a
// lean workflow sets none on the happy path: a workflow that completed with no OutboxStatus
// delivered its event, and a running one with none is being delivered. A status is set once the
// event leaves the happy path (dead-lettered, discarded, expired, a saga compensating), together
// with OutboxTargets; from then on every change that an operator's query tells apart is set, so
// `OutboxStatus = "DeadLettered"` never lists an event that was retried and delivered. While a
// pass an operator asked for is retrying durably the status reads Delivering; a pass that
// succeeds at its first attempt goes straight to Delivered, one upsert instead of two.
import type { DeliverEventInput, OutboxWorkflowStatus } from './definitions.js';
import { searchAttributeKeys } from './definitions.js';
import { showSearchAttributes } from './show-search-attributes.js';

/**
 * The status a lean workflow's OutboxStatus should hold, given the event's status now and what it
 * holds. `retrying`: a delivery pass is retrying durably (its fast first attempt failed).
 *
 * @example
 * indexedStatusFor('Delivered', undefined, false); // undefined: the happy path sets nothing
 * indexedStatusFor('Delivered', 'DeadLettered', false); // 'Delivered'
 */
export function indexedStatusFor(
  current: OutboxWorkflowStatus,
  indexed: OutboxWorkflowStatus | undefined,
  retrying: boolean,
): OutboxWorkflowStatus | undefined {
  switch (current) {
    case 'Dispatched':
      return indexed;
    case 'Delivering':
      return indexed !== undefined && retrying ? 'Delivering' : indexed;
    case 'Delivered':
      return indexed === undefined ? undefined : 'Delivered';
    default:
      return current;
  }
}

/**
 * A lean workflow's OutboxStatus and OutboxTargets, set only when they must change (see above).
 *
 * @example
 * const index = new StatusIndex(input, carried?.indexedStatus);
 * index.targets(['billing']);
 * index.update('DeadLettered'); // one upsert: OutboxTargets and OutboxStatus
 */
export class StatusIndex {
  private targetNames: string[] | undefined;
  private targetsShown: boolean;

  constructor(
    private readonly input: DeliverEventInput,
    /** What OutboxStatus holds (carried over by continue-as-new, which keeps the attributes). */
    public indexed: OutboxWorkflowStatus | undefined = undefined,
  ) {
    this.targetsShown = indexed !== undefined;
  }

  /** The subscriptions the event goes to: shown with the first status that is shown. */
  targets(names: string[]): void {
    this.targetNames = names;
  }

  /** Sets OutboxStatus (and, the first time, OutboxTargets) if the status calls for it. */
  update(current: OutboxWorkflowStatus, retrying = false): void {
    const wanted = indexedStatusFor(current, this.indexed, retrying);
    if (wanted === undefined || wanted === this.indexed) return;
    const targets = !this.targetsShown && this.targetNames ? [{ key: searchAttributeKeys.targets, value: this.targetNames }] : [];
    showSearchAttributes(this.input, [...targets, { key: searchAttributeKeys.status, value: wanted }]);
    this.indexed = wanted;
    this.targetsShown = true;
  }
}
