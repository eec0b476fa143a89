import { Client, Connection } from '@temporalio/client';
import type { EngineConfig } from '../config/load-config.js';
import { dataConverterFor } from '../temporal/data-converter.js';

/**
 * The Temporal server operator commands talk to: TEMPORAL_ADDRESS, or the embedded dev
 * server's address when it is unset (what `outbox dev` runs).
 */
export function operatorTemporalAddress(config: EngineConfig): string {
  return config.temporalAddress ?? `127.0.0.1:${config.devServer.port}`;
}

/**
 * A client for operator commands; close it when done.
 *
 * @example
 * const temporal = await connectOperatorClient(config);
 * try { await temporal.client.workflow.getHandle(id).signal(retrySignal); } finally { await temporal.close(); }
 */
export async function connectOperatorClient(config: EngineConfig): Promise<{ client: Client; close: () => Promise<void> }> {
  const address = operatorTemporalAddress(config);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 5_000 });
  } catch (error) {
    throw new Error(`Cannot reach Temporal at ${address} (${(error as Error).message}). Set TEMPORAL_ADDRESS, or start the engine with \`outbox dev\`.`, {
      cause: error,
    });
  }
  return {
    client: new Client({ connection, namespace: config.temporalNamespace, ...dataConverterFor(config) }),
    close: () => connection.close(),
  };
}
