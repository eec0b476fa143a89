import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDependencies } from '../activities/create-activities.js';

export interface DeliveryWorkerOptions extends ActivityDependencies {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  workflowBundle: { code: string };
  logger: Logger;
  /** Overrides for worker tuning (slots, pollers, cache); defaults suit a small machine. */
  tuning?: Partial<Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>>;
}

/**
 * Creates the Temporal worker that runs deliverEvent workflows and their activities.
 * Call `run()` to start polling and `shutdown()` to drain.
 *
 * @example
 * const worker = await createDeliveryWorker({ connection, namespace: 'default', taskQueue, workflowBundle, db, http, connections, logger });
 * await worker.run();
 */
export async function createDeliveryWorker(options: DeliveryWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: createActivities(options),
    maxConcurrentActivityTaskExecutions: 200,
    shutdownGraceTime: '10s',
    ...options.tuning,
  });
}
