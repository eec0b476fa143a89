import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { DELIVER_EVENT_WORKFLOW, searchAttributeKeys, type DeliverEventInput } from '../workflows/definitions.js';
import { workflowIdOfRow } from './installation.js';

/** What starting a delivery workflow needs to know about its event row. */
export interface DeliverableEvent {
  id: string;
  tenant_id: string;
  event_type: string;
  idempotency_key: string;
  /** Written at dispatch; NULL while pending (except rows from before installation ids). */
  workflow_id: string | null;
  correlation_id: string | null;
  /** W3C trace context stored by the enqueuing transaction, if it was traced. */
  traceparent?: string | null;
  /** created_at in microseconds since the epoch, as text (exact, unlike a JS Date). */
  created_at_us: string;
}

/**
 * `started`: a new workflow. `already_started`: Temporal already runs or ran this very event (a
 * restart after a crash between start and mark). `restarted`: Temporal remembered a workflow
 * for the same tenant and key but from an earlier row (the row was deleted or the database
 * reset and the key reused), so a new run was started for this row.
 */
export type StartOutcome = 'started' | 'already_started' | 'restarted';

/** Temporal holds a still-running workflow of an earlier row with the same tenant and key. */
export class EarlierWorkflowRunningError extends Error {
  override readonly name = 'EarlierWorkflowRunningError';
}

/** Memo on every deliverEvent workflow: which row it delivers. */
export interface DeliveryMemo {
  eventId?: string;
  /** The row's created_at in microseconds: tells two rows with the same id apart after a reset. */
  eventCreatedAtUs?: string;
  correlationId?: string;
}

/**
 * Workflow id, input, memo and search attributes for an event's deliverEvent workflow: the same
 * for the relay's start and for `outbox replay`'s signal-with-start.
 */
export function deliveryWorkflowOptions(
  event: DeliverableEvent,
  options: {
    installationId: string;
    taskQueue: string;
    deadLetterHoldMs: number;
    historyLimit?: number;
    replay?: { subscriptions?: string[] };
    /** False on a namespace without the Outbox* search attributes: the workflow sets none. */
    searchAttributes?: boolean;
  },
) {
  const input: DeliverEventInput = {
    eventId: event.id,
    installationId: options.installationId,
    tenant: event.tenant_id,
    eventType: event.event_type,
    idempotencyKey: event.idempotency_key,
    deadLetterHoldMs: options.deadLetterHoldMs,
    ...(options.replay ? { replay: true } : { firstPass: true }),
    leanHistory: true,
    ...(options.replay?.subscriptions?.length && { subscriptions: options.replay.subscriptions }),
    ...(options.historyLimit !== undefined && { historyLimit: options.historyLimit }),
    ...(options.searchAttributes === false && { searchAttributes: false as const }),
  };
  const memo: DeliveryMemo = {
    eventId: event.id,
    eventCreatedAtUs: event.created_at_us,
    ...(event.correlation_id ? { correlationId: event.correlation_id } : {}),
  };
  return {
    taskQueue: options.taskQueue,
    workflowId: workflowIdOfRow(options.installationId, event),
    args: [input] as [DeliverEventInput],
    // Set at start, free of charge; none on a namespace that lacks them (Temporal Cloud before an
    // operator adds them). No OutboxStatus: the workflow sets it only off the happy path (leanHistory).
    ...(options.searchAttributes !== false && {
      typedSearchAttributes: [
        { key: searchAttributeKeys.tenant, value: event.tenant_id },
        { key: searchAttributeKeys.eventType, value: event.event_type },
      ],
    }),
    memo: { ...memo },
    // On a server with task-queue fairness on (matching.enableFairness, off by default in 1.29),
    // matching shares the queue between tenants.
    priority: { fairnessKey: event.tenant_id },
  } satisfies WorkflowStartOptions<(input: DeliverEventInput) => Promise<unknown>>;
}

/**
 * Starts the deliverEvent workflow for one event. The workflow id is derived from installation,
 * tenant and idempotency key, and REJECT_DUPLICATE refuses a second start even after the first run closed
 * (within the namespace's retention), so calling this twice for one event never delivers twice.
 *
 * @example
 * const outcome = await startDeliveryWorkflow(client, claimedEvent, { installationId, taskQueue, deadLetterHoldMs });
 */
export async function startDeliveryWorkflow(
  client: Client,
  event: DeliverableEvent,
  options: { installationId: string; taskQueue: string; deadLetterHoldMs: number; historyLimit?: number; eagerStart?: boolean; searchAttributes?: boolean },
): Promise<{ outcome: StartOutcome; workflowId: string; eagerlyStarted?: boolean }> {
  const startOptions = { ...deliveryWorkflowOptions(event, options), ...(options.eagerStart && { requestEagerStart: true }) };
  const start = (workflowIdReusePolicy: WorkflowIdReusePolicy) => client.workflow.start(DELIVER_EVENT_WORKFLOW, { ...startOptions, workflowIdReusePolicy });
  try {
    const handle = await start(WorkflowIdReusePolicy.REJECT_DUPLICATE);
    return { outcome: 'started', workflowId: startOptions.workflowId, eagerlyStarted: handle.eagerlyStarted };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }

  // Rare path (crash recovery, or a reused key): is the workflow Temporal has really this row's?
  const existing = await client.workflow.getHandle(startOptions.workflowId).describe();
  const existingMemo = (existing.memo ?? {}) as DeliveryMemo;
  if (existingMemo.eventId === event.id && existingMemo.eventCreatedAtUs === event.created_at_us)
    return { outcome: 'already_started', workflowId: startOptions.workflowId };
  if (existing.status.name === 'RUNNING') {
    throw new EarlierWorkflowRunningError(
      `workflow ${startOptions.workflowId} is still running for an earlier event row with the same tenant and key; event ${event.id} stays pending until it closes`,
    );
  }
  await start(WorkflowIdReusePolicy.ALLOW_DUPLICATE);
  return { outcome: 'restarted', workflowId: startOptions.workflowId };
}
