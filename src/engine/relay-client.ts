// The Temporal client the relay starts workflows with, on whichever connection the engine has.
import { Client, type Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import type { NativeConnection } from '@temporalio/worker';

/**
 * A client for the relay's starts. When this process runs a worker, pass the worker's own
 * NativeConnection: the server then hands each new workflow's first task back in the start
 * response (eager start), skipping a trip through matching. With tracing, the relay's span
 * goes into the workflow's headers, so the workflow joins the event's trace.
 *
 * @example
 * const client = relayClient(workerConnection, { namespace: 'default' });
 */
export function relayClient(
  connection: Connection | NativeConnection,
  options: { namespace: string; dataConverter?: DataConverter; traced?: boolean },
): Client {
  return new Client({
    connection,
    namespace: options.namespace,
    ...(options.dataConverter && { dataConverter: options.dataConverter }),
    ...(options.traced && { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } }),
  });
}
