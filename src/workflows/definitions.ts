// Names shared by the relay (which starts workflows), the worker (which runs them) and the CLI.
// Workflow code imports this file too, so it must stay free of Node built-ins.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EventDeliveryStatus, OutboxWorkflowStatus, RouteStatus } from './delivery-status.js';
import type { DeliveryRoute } from '../routing/delivery-route.js';
import type { EventStatus } from '../db/database.js';

/** Workflow type name of the per-event delivery workflow. */
export const DELIVER_EVENT_WORKFLOW = 'deliverEvent';

/**
 * Search attributes on every deliverEvent workflow, so operators can filter in the Temporal UI
 * and with `temporal workflow list --query 'OutboxTenant = "acme"'`.
 */
export const searchAttributeKeys = {
  tenant: defineSearchAttributeKey('OutboxTenant', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('OutboxEventType', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('OutboxStatus', SearchAttributeType.KEYWORD),
  targets: defineSearchAttributeKey('OutboxTargets', SearchAttributeType.KEYWORD_LIST),
} as const;

/** The same keys as `temporal server start-dev --search-attribute NAME=Type` arguments. */
export const SEARCH_ATTRIBUTE_DECLARATIONS: Record<string, 'Keyword' | 'KeywordList'> = {
  OutboxTenant: 'Keyword',
  OutboxEventType: 'Keyword',
  OutboxStatus: 'Keyword',
  OutboxTargets: 'KeywordList',
};

/** How long a dead-lettered delivery waits for an operator before it expires (default). */
export const DEFAULT_DEAD_LETTER_HOLD_MS = 30 * 24 * 60 * 60_000;

/**
 * What the relay passes to deliverEvent: identifiers only. The payload and target secrets stay
 * in PostgreSQL and are read by activities, so they never enter Temporal's history.
 */
export interface DeliverEventInput {
  eventId: string;
  /** The installation whose outbox.events row this is (absent in workflows started before ids). */
  installationId?: string;
  tenant: string;
  eventType: string;
  idempotencyKey: string;
  /** How long a dead-lettered delivery waits for `retry`/`discard` before expiring. */
  deadLetterHoldMs?: number;
  /** Only these subscriptions (a replay that names some); all routed ones when absent. */
  subscriptions?: string[];
  /** Started by `outbox replay` rather than the relay: the row's status must be set again. */
  replay?: boolean;
  /**
   * Route and make plain routes' first attempts in one local activity (the first pass). Set by
   * relays from this version on; workflows started without it keep the earlier path, so their
   * histories replay. A flag in the input rather than `patched()`: a patch costs every workflow
   * a marker and a search-attribute upsert.
   */
  firstPass?: boolean;
  /**
   * Keep the history to the fewest billed Actions (set by relays and replays from this version
   * on; absent in earlier workflows, whose histories replay as they ran):
   * - no OutboxStatus at start and no upsert on the happy path: a completed workflow without
   *   OutboxStatus delivered its event (status-index.ts says when a status is set);
   * - an operator's retry or replay makes its first attempt as a local activity, in the workflow
   *   task that took the signal, and goes on with the regular activity only if that fails;
   * - no `local-first-attempt` patch marker on a replay's run.
   * The workflow keeps the flag only if the worker that routed it writes lean histories
   * (ResolvedRoutes.leanWorker, recorded in the history); otherwise it deletes it from its input,
   * so a workflow whose first task an older worker ran during a rolling upgrade stays replayable.
   */
  leanHistory?: true;
  /**
   * Continue as new once the run's history holds this many events, even when the server does
   * not suggest it yet (default {@link DEFAULT_HISTORY_LIMIT}). Set only to override.
   */
  historyLimit?: number;
  /** The previous run's routes, lanes and status, when this run continues it (continue-as-new). */
  carried?: CarriedDelivery;
  /**
   * False when the namespace lacks the Outbox* search attributes (Temporal Cloud, until an
   * operator adds them): the workflow sets none, since naming an unregistered one fails the
   * workflow task. Absent: they exist.
   */
  searchAttributes?: false;
}

/** Continue-as-new bound on history events (Temporal's own hard limit is 51 200). */
export const DEFAULT_HISTORY_LIMIT = 10_000;

/** One route as a run hands it to the next (continue-as-new). */
export interface CarriedRoute {
  status: RouteStatus;
  route?: DeliveryRoute;
  /** Dead-lettered and waiting for an operator until then (ms since the epoch, workflow time). */
  holdUntil?: number;
  /** An operator's answer that arrived as the run ended. */
  command?: { kind: 'retry'; actor?: string } | { kind: 'discard'; reason: string; actor?: string };
  /** Was waiting for its turn in an ordered lane: asks again first thing. */
  waitingForTurn?: boolean;
}

/** What a deliverEvent run hands to the next when its history grew long (continue-as-new). */
export interface CarriedDelivery {
  routes: CarriedRoute[];
  /** Ordered lanes (subscription ids) the event still holds a place in. */
  openLanes: string[];
  /** The event status last written to the row. */
  writtenStatus?: EventStatus;
  shownStatus: OutboxWorkflowStatus;
  /** Lean workflows: what OutboxStatus holds (absent: nothing set yet). */
  indexedStatus?: OutboxWorkflowStatus;
  /** Runs so far, this one included. */
  runs: number;
}

export type { DeliveryRoute, RouteRole, SagaPlan, SagaPlanStep } from '../routing/delivery-route.js';
export type {
  OutboxWorkflowStatus,
  RouteState,
  RouteStatus,
  SagaStepState,
  SagaStepStatus,
  SagaStatus,
  EventDeliveryStatus,
  DeliverEventResult,
} from './delivery-status.js';

/**
 * `retry`: deliver dead-lettered routes again with a fresh policy (all, or the named
 * subscriptions, matched exactly). `actor` names who asked (the API key, portal link or CLI
 * user); the dead letter records it.
 */
export interface RetrySignalArgs {
  subscriptions?: string[];
  actor?: string;
}

/** `discard`: give up on dead-lettered routes (all, or the named subscriptions), with a reason. */
export interface DiscardSignalArgs {
  reason?: string;
  subscriptions?: string[];
  actor?: string;
}

/** `replay`: deliver again, delivered routes included (all, or the named subscriptions). */
export interface ReplaySignalArgs {
  subscriptions?: string[];
  actor?: string;
}

// The Temporal UI's "Signal" button and `temporal workflow signal --name retry` send these too;
// every argument is optional so an empty input means "all routes".
export const retrySignal = defineSignal<[RetrySignalArgs?]>('retry');
export const discardSignal = defineSignal<[DiscardSignalArgs?]>('discard');
export const replaySignal = defineSignal<[ReplaySignalArgs?]>('replay');
/**
 * Sent by the workflow of the previous event in an ordered lane when it is done there: this
 * event's delivery to that subscription may go. Operators never need it (the engine sends it).
 */
export const orderedTurnSignal = defineSignal<[{ subscriptionId: string }]>('orderedTurn');
export const statusQuery = defineQuery<EventDeliveryStatus>('status');

export { defaultTaskQueueFor, LEGACY_TASK_QUEUE, workflowIdFor, workflowIdPrefixFor } from './workflow-ids.js';
