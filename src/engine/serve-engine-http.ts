import { SecretBox } from '../secrets/secret-box.js';
import { Client, type Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { EngineConfig } from '../config/load-config.js';
import type { Database } from '../db/database.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { Relay } from '../outbox/relay.js';
import { RealtimeStream } from '../realtime/realtime-stream.js';
import { codecRoutes } from '../temporal/codec-endpoint.js';
import { startHttpServer, type EngineHttpServer } from './http-server.js';
import { readinessChecks } from './readiness-checks.js';
import type { TemporalSettings } from '../temporal/temporal-settings.js';
import { managementApi } from '../api/management-api.js';
import { serveConsole } from '../console/serve-console.js';

/**
 * The engine's HTTP side: health and readiness of the parts this process runs, `/metrics`,
 * the realtime stream and the codec endpoint, on one port. Returns the server and its clean-up
 * steps, to be run last to first (the port closes before the stream stops).
 *
 * @example
 * const { server, cleanups } = await serveEngineHttp({ config, db, connection, relay, worker, metrics, logger });
 */
export async function serveEngineHttp(parts: {
  config: EngineConfig;
  temporal: TemporalSettings;
  /** Whether the namespace has the Outbox* search attributes now (replays started without them set none). */
  searchAttributes: () => boolean;
  db: Kysely<Database>;
  connection: Connection;
  relay: Relay | undefined;
  worker: Worker | undefined;
  metrics: EngineMetrics;
  dataConverter: DataConverter | undefined;
  installation: { id: string };
  taskQueue: string;
  logger: Logger;
}): Promise<{ server: EngineHttpServer; cleanups: (() => Promise<void>)[] }> {
  const { config, metrics, logger } = parts;
  const checks = readinessChecks({
    db: parts.db,
    connection: parts.connection,
    temporal: parts.temporal,
    relay: parts.relay && { relay: parts.relay, pollIntervalMs: config.relay.pollIntervalMs },
    worker: parts.worker,
  });
  const realtime = new RealtimeStream({
    db: parts.db,
    connectionString: config.databaseUrl,
    secret: config.realtime.secret,
    allowedOrigins: config.realtime.allowedOrigins,
    logger,
  });
  await realtime.start();
  try {
    const server = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      limits: { maxConnections: config.http.maxConnections },
      logger,
      checks,
      plugins: [
        managementApi({
          db: parts.db,
          tenantWindow: config.relay.tenantWindow,
          urlCheck: { addressPolicy: config.targets.addressPolicy },
          secrets: new SecretBox(config.secretKeys),
          // `dev` runs its own Temporal UI; otherwise the console links workflows only when told where the UI is.
          temporalUi: temporalUiOf(config, parts.temporal),
          consoleUrl: config.console.url,
          replay: {
            installationId: parts.installation.id,
            taskQueue: parts.taskQueue,
            deadLetterHoldMs: config.deadLetterHoldMs,
            searchAttributes: parts.searchAttributes,
          },
          temporal: new Client({
            connection: parts.connection,
            namespace: parts.temporal.namespace,
            ...(parts.dataConverter && { dataConverter: parts.dataConverter }),
          }),
        }),
        serveConsole(),
      ],
      routes: {
        '/v1/stream': (request, response, url) => realtime.handle(request, response, url),
        ...codecRoutes({ codec: parts.dataConverter?.payloadCodecs?.[0], ...config.codec }),
        '/metrics': async (_request, response) => {
          const text = await metrics.render();
          response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
          response.end(text);
        },
      },
    });
    logger.info(
      { url: `http://${config.http.host}:${server.address.port}` },
      'HTTP server listening (/healthz, /readyz, /metrics, /v1/stream, the management API under /v1: /v1/docs, the web console at /console/)',
    );
    return { server, cleanups: [() => realtime.stop(), () => server.close()] };
  } catch (error) {
    await realtime.stop();
    throw error;
  }
}

function temporalUiOf(config: EngineConfig, temporal: TemporalSettings): { url: string; namespace: string } | undefined {
  const url = config.console.temporalUiUrl ?? (temporal.embedded ? `http://127.0.0.1:${config.devServer.uiPort}` : undefined);
  return url === undefined ? undefined : { url: url.replace(/\/+$/, ''), namespace: temporal.namespace };
}
