/**
 * What a deliverEvent workflow reports about itself: each route's state, a saga's steps, and
 * the whole event's status (the `status` query's answer and the workflow's result). Types only;
 * the signal and query definitions that carry them are in definitions.ts.
 */
import type { RouteRole } from '../routing/delivery-route.js';

/** Values of the OutboxStatus search attribute. */
export type OutboxWorkflowStatus =
  | 'Dispatched'
  | 'Delivering'
  | 'DeadLettered'
  | 'Delivered'
  | 'Discarded'
  | 'Expired'
  // Saga routes: a step failed for good and the completed steps are being undone, were undone,
  // or a compensation is dead-lettered and waits for an operator.
  | 'Compensating'
  | 'Compensated'
  | 'CompensationFailed';

/**
 * Where one subscription's delivery of this event stands. `failed`: a delivery that was not
 * required (best effort, or another `any` route succeeded) gave up; never dead-lettered.
 */
export type RouteState = 'delivering' | 'delivered' | 'dead_lettered' | 'discarded' | 'expired' | 'failed';

export interface RouteStatus {
  subscriptionName: string;
  state: RouteState;
  role: RouteRole;
  /** Attempts in the latest pass (a retry or replay starts a new pass). */
  attempts: number;
  /** Delivery passes so far: 1, plus one per retry or replay. */
  passes: number;
  lastError?: string;
  lastStatusCode?: number | null;
  /** Done without sending: the subscription's content filter leaves the event out. */
  skipped?: true;
  /** An ordered route waiting for its turn: the earlier event (id) of its aggregate it waits for. */
  waitingForEvent?: string;
  /** The open outbox.dead_letters row of this route (kept once discarded or expired; gone once retried). */
  deadLetterId?: string;
  discardReason?: string;
}

/**
 * Where one saga step stands. A step is `completed` when its target accepted it; after a later
 * step `failed`, completed steps with a compensation go `compensating` → `compensated` (or
 * `compensation_dead_lettered`, waiting for an operator → `compensation_discarded`,
 * `compensation_expired`). Steps after the failed one stay `skipped`.
 */
export type SagaStepState =
  | 'pending'
  | 'running'
  | 'completed'
  | 'failed'
  | 'skipped'
  | 'compensating'
  | 'compensated'
  | 'compensation_dead_lettered'
  | 'compensation_discarded'
  | 'compensation_expired';

export interface SagaStepStatus {
  name: string;
  target: string;
  compensation?: string;
  state: SagaStepState;
  /** Attempts of the step, then (once compensating) of its compensation's latest pass. */
  attempts: number;
  lastError?: string;
  lastStatusCode?: number | null;
  /** Passes of the compensation: 1, plus one per operator retry. */
  compensationPasses?: number;
  deadLetterId?: string;
  discardReason?: string;
}

export interface SagaStatus {
  name: string;
  /** The step whose failure started the compensations. */
  failedStep?: string;
  steps: SagaStepStatus[];
}

/** The `status` query's answer, and the workflow's result. */
export interface EventDeliveryStatus {
  eventId: string;
  tenant: string;
  eventType: string;
  status: OutboxWorkflowStatus;
  /** Plain subscriptions; empty for a saga route. */
  routes: RouteStatus[];
  /** Present when the event is delivered by a saga route. */
  saga?: SagaStatus;
  /** Signals this run refused (bad input, or names no route has), the last ten; absent when none. */
  refusedSignals?: RefusedSignal[];
}

/** A signal the workflow did not act on, and why. */
export interface RefusedSignal {
  signal: 'retry' | 'discard' | 'replay';
  reason: string;
}

/** deliverEvent's result (its final status). */
export type DeliverEventResult = EventDeliveryStatus;
