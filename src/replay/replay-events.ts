/**
 * The replay room: finding events by filter and starting their workflows again (or
 * signalling them). May import outbox/, workflows/, events/ and db/.
 */
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import pLimit from 'p-limit';
import { deliveryWorkflowOptions, type DeliverableEvent } from '../outbox/start-delivery-workflow.js';
import { DELIVER_EVENT_WORKFLOW, replaySignal } from '../workflows/definitions.js';

export interface ReplayOptions {
  /** This database's installation (outbox.installation): events without a workflow of theirs get one with it. */
  installationId: string;
  taskQueue: string;
  deadLetterHoldMs: number;
  /** Only these subscriptions; every routed one when absent. */
  subscriptions?: string[];
  /** Who asked (`api-key:<id>`, `cli:<user>`): the replay signal carries it. */
  actor?: string;
  /** False on a namespace without the Outbox* search attributes: new runs set none. */
  searchAttributes?: boolean;
  concurrency?: number;
  /** Called after each event, successful or not. */
  onProgress?: (done: number) => void;
}

export interface ReplayOutcome {
  replayed: number;
  failed: { event: DeliverableEvent; error: string }[];
}

/**
 * Re-delivers events by signal-with-start on their own workflow ids: a running workflow gets a
 * `replay` signal, a closed one gets a new run. Either way the consumer sees the same
 * message id (`webhook-id`) as the first time.
 *
 * @example
 * const outcome = await replayEvents(client, events, { installationId, taskQueue, deadLetterHoldMs });
 */
export async function replayEvents(client: Client, events: readonly DeliverableEvent[], options: ReplayOptions): Promise<ReplayOutcome> {
  const limit = pLimit(options.concurrency ?? 16);
  const outcome: ReplayOutcome = { replayed: 0, failed: [] };
  const subscriptions = options.subscriptions?.length ? options.subscriptions : undefined;
  let done = 0;
  await Promise.all(
    events.map((event) =>
      limit(async () => {
        try {
          await client.workflow.signalWithStart(DELIVER_EVENT_WORKFLOW, {
            ...deliveryWorkflowOptions(event, {
              installationId: options.installationId,
              taskQueue: options.taskQueue,
              deadLetterHoldMs: options.deadLetterHoldMs,
              replay: { subscriptions },
              ...(options.searchAttributes !== undefined && { searchAttributes: options.searchAttributes }),
            }),
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
            signal: replaySignal,
            signalArgs: [{ ...(subscriptions && { subscriptions }), ...(options.actor && { actor: options.actor }) }],
          });
          outcome.replayed += 1;
        } catch (error) {
          outcome.failed.push({ event, error: (error as Error).message });
        } finally {
          done += 1;
          options.onProgress?.(done);
        }
      }),
    ),
  );
  return outcome;
}
