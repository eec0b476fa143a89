import { Client, Connection } from '@temporalio/client';
import type { EngineConfig } from '../config/load-config.js';
import { loadTemporalSettings } from '../config/load-temporal-settings.js';
import { dataConverterFor } from '../temporal/data-converter.js';
import { clientConnectionOptions, explainTemporalFailure, type TemporalSettings } from '../temporal/temporal-settings.js';

/**
 * The Temporal operator commands talk to, configured as the engine's (TEMPORAL_*, TOML profiles),
 * or the embedded dev server's when nothing is configured (what `outbox dev` runs, on
 * OUTBOX_DEV_TEMPORAL_PORT).
 *
 * @example
 * const temporal = operatorTemporalSettings(loadConfig());
 */
export function operatorTemporalSettings(config: EngineConfig, env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  return loadTemporalSettings(env, { embeddedAddress: `127.0.0.1:${config.devServer.port}` });
}

/**
 * A client for operator commands; close it when done.
 *
 * @example
 * const temporal = await connectOperatorClient(config);
 * try { await temporal.client.workflow.getHandle(id).signal(retrySignal); } finally { await temporal.close(); }
 */
export async function connectOperatorClient(config: EngineConfig): Promise<{ client: Client; close: () => Promise<void> }> {
  const settings = operatorTemporalSettings(config);
  let connection: Connection;
  try {
    connection = await Connection.connect(clientConnectionOptions(settings));
    // connect() checks the channel; a call checks the credentials too.
    await connection.withDeadline(Date.now() + 10_000, () => connection.workflowService.getSystemInfo({}));
  } catch (error) {
    const hint = settings.embedded ? ' Set TEMPORAL_ADDRESS (or a TEMPORAL_PROFILE), or start the engine with `outbox dev`.' : '';
    throw new Error(`${await explainTemporalFailure(error, settings)}.${hint}`, { cause: error });
  }
  return {
    client: new Client({ connection, namespace: settings.namespace, ...dataConverterFor(config) }),
    close: () => connection.close(),
  };
}
