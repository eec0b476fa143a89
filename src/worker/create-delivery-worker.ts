/**
 * The worker room: the Temporal worker that runs the delivery workflows and activities, its
 * installation guard, endpoint reports and workflow bundle. May import workflows/, activities/,
 * tracing/ and db/.
 */
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker/index.js';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions.js';
import type { Context } from '@temporalio/activity';
import type { DataConverter } from '@temporalio/common';
import type { InjectedSinks, NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDependencies } from '../activities/create-activities.js';
import type { Tracing } from '../tracing/set-up-tracing.js';
import { DeliveryWorker } from './delivery-worker.js';
import { installationGuard } from './installation-guard.js';
import { EndpointPace } from '../activities/endpoint-pace.js';

export interface DeliveryWorkerOptions extends ActivityDependencies {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** This database's installation: workflows of another are refused (see installationGuard). */
  installationId: string;
  workflowBundle: { code: string };
  logger: Logger;
  /** Overrides for worker tuning (slots, pollers, cache); defaults suit a small machine. */
  tuning?: Partial<Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>>;
  /** OpenTelemetry: spans for workflows and activities, joined to the relay's trace. */
  tracing?: Tracing;
  /** Encrypts payloads in Temporal (see dataConverterFor). */
  dataConverter?: DataConverter;
  /** Keep the SDK's per-promise stack capture in the workflow threads (off by default: see workflow-thread.ts). */
  workflowStackTraces?: boolean;
}

/** DeliveryWorker with the SDK's workflow stack traces kept (OUTBOX_WORKFLOW_STACK_TRACES=on). */
class DeliveryWorkerWithStackTraces extends DeliveryWorker {
  static override workflowStackTraces = true;
}

/**
 * The workflow bundle always carries the OpenTelemetry workflow interceptors (it is built once);
 * without tracing their spans go to this sink, which drops them.
 */
const DROP_WORKFLOW_SPANS: InjectedSinks<OpenTelemetrySinks> = { exporter: { export: { fn: () => undefined } } };

/**
 * Creates the Temporal worker that runs deliverEvent workflows and their activities.
 * Call `run()` to start polling and `shutdown()` to drain.
 *
 * @example
 * const worker = await createDeliveryWorker({ connection, namespace: 'default', taskQueue, installationId, workflowBundle, db, http, connections, logger });
 * await worker.run();
 */
export async function createDeliveryWorker(options: DeliveryWorkerOptions): Promise<Worker> {
  // One pace per worker: its first pass defers endpoints it has seen answer slowly.
  const pace = options.pace ?? new EndpointPace();
  options.metrics?.watchEndpointPace(() => pace.snapshot());
  const WorkerClass = options.workflowStackTraces ? DeliveryWorkerWithStackTraces : DeliveryWorker;
  return WorkerClass.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: createActivities({ ...options, pace }),
    ...(options.dataConverter && { dataConverter: options.dataConverter }),
    sinks: options.tracing ? { exporter: makeWorkflowExporter(options.tracing.spanProcessor, options.tracing.resource) } : DROP_WORKFLOW_SPANS,
    interceptors: {
      activity: [
        installationGuard({ db: options.db, installationId: options.installationId }),
        ...(options.tracing
          ? [
              (context: Context) => ({
                inbound: new OpenTelemetryActivityInboundInterceptor(context),
                outbound: new OpenTelemetryActivityOutboundInterceptor(context),
              }),
            ]
          : []),
      ],
    },
    maxConcurrentActivityTaskExecutions: 200,
    shutdownGraceTime: '10s',
    ...options.tuning,
  });
}
