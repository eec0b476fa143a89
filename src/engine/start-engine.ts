/**
 * The engine room: one process running the relay, the worker and the HTTP server (health,
 * metrics, the management API, realtime streams, the codec endpoint), started and stopped here.
 * May import every room but cli/; cli/ imports it.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { AddressPolicy } from '../egress/address-policy.js';
import { createGuardedAgent } from '../egress/guarded-agent.js';
import { ClientCertificateAgents } from '../egress/client-certificate-agents.js';
import { displayProxy, probeEgressProxy } from '../egress/egress-proxy.js';
import { ConfigError } from '../config/config-error.js';
import type { EngineConfig } from '../config/load-config.js';
import { createDatabase } from '../db/create-database.js';
import { pendingMigrations } from '../db/migrate.js';
import { LEGACY_TASK_QUEUE, readInstallation, taskQueueOf } from '../outbox/installation.js';
import { TargetConnections } from '../targets/target-connections.js';
import { EngineMetrics } from '../metrics/engine-metrics.js';
import { Relay } from '../outbox/relay.js';
import { RetentionSchedule } from '../retention/retention-schedule.js';
import { CertificateExpiryWatch, gaugeExpiringCertificates } from '../outbox/certificate-expiry.js';
import { setUpTracing, type Tracing } from '../tracing/set-up-tracing.js';
import { dataConverterFor } from '../temporal/data-converter.js';
import { freePort } from '../temporal/dev-server.js';
import { SearchAttributeWatch } from '../temporal/search-attribute-watch.js';
import { clientConnectionOptions, describeTemporalFailure, nativeConnectionOptions, type TemporalSettings } from '../temporal/temporal-settings.js';
import { installTemporalRuntime } from '../temporal/install-runtime.js';
import { createDeliveryWorker } from '../worker/create-delivery-worker.js';
import { EndpointReporter } from '../worker/endpoint-reporter.js';
import { EndpointPace } from '../activities/endpoint-pace.js';
import { loadWorkflowBundle } from '../worker/bundle-workflows.js';
import type { EngineHttpServer } from './http-server.js';
import { serveEngineHttp } from './serve-engine-http.js';
import { relayClient } from './relay-client.js';

/** Which parts this process runs; all three by default. Split them to scale relays and workers apart. */
export interface EngineRoles {
  relay: boolean;
  worker: boolean;
  http: boolean;
}

export interface StartEngineOptions {
  config: EngineConfig;
  /** How to reach Temporal (config/load-temporal-settings.ts: TEMPORAL_*, TOML profiles, or the embedded dev server). */
  temporal: TemporalSettings;
  roles?: Partial<EngineRoles>;
  logger: Logger;
  /** A prebuilt workflow bundle; loaded from dist/ or bundled on the spot when absent. */
  workflowBundle?: { code: string };
  /** Tracing already set up by the caller (tests); otherwise OUTBOX_TRACING decides. */
  tracing?: Tracing;
}

export interface RunningEngine {
  relay: Relay | undefined;
  worker: Worker | undefined;
  http: EngineHttpServer | undefined;
  /** Settles when the engine has stopped; rejects if a part failed fatally. */
  done: Promise<void>;
  /** Graceful shutdown: the relay finishes its batch, the worker drains its activities. */
  stop(): Promise<void>;
  /** A rotated API key, for the worker's native connection (client connections read the key on every call). */
  setApiKey(key: string): Promise<void>;
}

/** Why Temporal does not answer now (a cheap call, 5 s at most), or undefined when it does: the relay claims nothing meanwhile. */
async function whyTemporalUnreachable(connection: Connection, temporal: TemporalSettings): Promise<string | undefined> {
  try {
    await connection.withDeadline(Date.now() + 5_000, () => connection.workflowService.getSystemInfo({}));
    return undefined;
  } catch (error) {
    return describeTemporalFailure(error, temporal);
  }
}

/** The database is not ready for the engine. */
export class NotMigratedError extends Error {
  override readonly name = 'NotMigratedError';
}

/**
 * Starts the relay, the Temporal worker and the HTTP server (each optional) in this process.
 *
 * @example
 * const engine = await startEngine({ config, temporal: loadTemporalSettings(process.env, { embeddedAddress: '127.0.0.1:7233' }), logger });
 * process.once('SIGTERM', () => void engine.stop());
 * await engine.done;
 */
export async function startEngine(options: StartEngineOptions): Promise<RunningEngine> {
  const { config, logger } = options;
  const roles: EngineRoles = { relay: true, worker: true, http: true, ...options.roles };
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };

  try {
    const database = createDatabase({
      connectionString: config.databaseUrl,
      max: 20,
      logger,
      applicationName: 'outbox-engine',
      statementTimeoutMs: config.statementTimeoutMs,
    });
    cleanups.push(() => database.close());
    const pending = await pendingMigrations(database.pool);
    if (pending.length > 0) {
      throw new NotMigratedError(
        `The outbox schema is not up to date (${pending.length} pending migration(s), first ${pending[0]}). Run \`outbox migrate\` first.`,
      );
    }
    if (!config.secretKeys && roles.http) {
      logger.warn(
        'subscription secrets (webhook secrets, secret headers, broker passwords) are stored in clear: set OUTBOX_SECRET_KEYS, then run `outbox secrets reseal`',
      );
    }
    const installation = await readInstallation(database.db);
    const taskQueue = taskQueueOf(config, installation.id);
    const { temporal } = options;
    const namespace = temporal.namespace;
    const connection = await Connection.connect(clientConnectionOptions(temporal));
    cleanups.push(() => connection.close());
    // Where the namespace lacks the Outbox* attributes and this engine may not add them (Temporal
    // Cloud), it runs without them and says how to add them (search-attribute-watch.ts).
    const searchAttributes = await SearchAttributeWatch.start(connection, namespace, logger);
    cleanups.push(() => Promise.resolve(searchAttributes.stop()));
    let tracing = options.tracing;
    if (!tracing && config.tracing === 'otlp') {
      const started = setUpTracing();
      cleanups.push(() => started.shutdown());
      tracing = started;
      logger.info('OpenTelemetry tracing on (OTLP/HTTP; OTEL_EXPORTER_OTLP_ENDPOINT decides where)');
    }
    const { dataConverter } = dataConverterFor(config);
    let worker: Worker | undefined;
    let legacyWorker: Worker | undefined;
    let workerRun: Promise<void> = Promise.resolve();
    let nativeConnection: NativeConnection | undefined;
    // The SDK serves its worker metrics on a private loopback port; /metrics appends them.
    let temporalMetricsUrl: string | undefined;
    if (roles.worker && roles.http) {
      const metricsAddress = `127.0.0.1:${await freePort()}`;
      if (installTemporalRuntime(logger, { metricsAddress })) temporalMetricsUrl = `http://${metricsAddress}/metrics`;
    }
    const metrics = new EngineMetrics({
      ...(roles.http && { db: database.db }),
      processMetrics: true,
      maxEventTypes: config.metrics.maxEventTypes,
      maxSubscriptions: config.metrics.maxSubscriptions,
      ...(temporalMetricsUrl && { temporalMetricsUrl }),
    });
    if (roles.http) gaugeExpiringCertificates(metrics, database.db);
    if (roles.worker) {
      installTemporalRuntime(logger);
      const workerConnection = await NativeConnection.connect(nativeConnectionOptions(temporal));
      nativeConnection = workerConnection;
      cleanups.push(() => workerConnection.close());
      // HTTP targets go through OUTBOX_EGRESS_PROXY when set: refuse to start when it cannot be reached.
      const { proxy } = config.targets;
      const unreachable = proxy && (await probeEgressProxy(proxy, 5_000));
      if (proxy && unreachable) {
        throw new ConfigError(
          `OUTBOX_EGRESS_PROXY=${displayProxy(proxy)} is unreachable (${unreachable}): start the proxy, or unset the variable to send directly.`,
          'OUTBOX_EGRESS_PROXY',
        );
      }
      // Every HTTP target connection is checked against the address policy (SSRF protection).
      const http = createGuardedAgent({ policy: config.targets.addressPolicy, proxy });
      const httpAllowingPrivate = createGuardedAgent({ policy: AddressPolicy.unrestricted, proxy });
      cleanups.push(
        () => http.close(),
        () => httpAllowingPrivate.close(),
      );
      // Endpoints that want a client certificate get pools of their own, checked the same way.
      const clientCertificates = new ClientCertificateAgents(config.targets.addressPolicy, proxy);
      cleanups.push(() => clientCertificates.close());
      // Broker connections too: resolved and checked against the same policy when they open.
      const connections = new TargetConnections(logger, { policy: config.targets.addressPolicy });
      cleanups.push(() => connections.close());
      // Test sends get pools of their own: a tenant testing an endpoint that never answers holds none of these.
      const testSends = {
        http: createGuardedAgent({ policy: config.targets.addressPolicy, proxy }),
        httpAllowingPrivate: createGuardedAgent({ policy: AddressPolicy.unrestricted, proxy }),
        connections: new TargetConnections(logger, { policy: config.targets.addressPolicy }),
      };
      cleanups.push(
        () => testSends.http.close(),
        () => testSends.httpAllowingPrivate.close(),
        () => testSends.connections.close(),
      );
      const workerOptions = {
        connection: workerConnection,
        namespace,
        taskQueue,
        installationId: installation.id,
        workflowBundle: options.workflowBundle ?? (await loadWorkflowBundle({ tracing: tracing !== undefined })),
        db: database.db,
        http,
        httpAllowingPrivate,
        connections,
        testSends,
        clientCertificates,
        breakerSettings: config.breaker,
        workflowStackTraces: config.workflowStackTraces,
        metrics,
        ...(tracing && { tracing }),
        ...(dataConverter && { dataConverter }),
        logger,
      };
      // The main worker's endpoint pace, written where `outbox status` reads it (EndpointReporter).
      const pace = new EndpointPace();
      const reporter = new EndpointReporter({ db: database.db, snapshot: () => pace.snapshot(), logger });
      worker = await createDeliveryWorker({ ...workerOptions, pace });
      // Workflows started before installation ids live on the old default queue: serve it until they are done.
      if (installation.legacyWorkflows && config.taskQueue === undefined) {
        legacyWorker = await createDeliveryWorker({ ...workerOptions, taskQueue: LEGACY_TASK_QUEUE });
        logger.info({ taskQueue: LEGACY_TASK_QUEUE }, 'also serving workflows started before installation ids, on their old task queue');
      }
      workerRun = Promise.all([reporter.during(worker.run()), legacyWorker?.run()]).then(() => undefined);
      const running = worker;
      metrics.watchWorker(() => running.getState());
    }

    let relay: Relay | undefined;
    if (roles.relay) {
      relay = new Relay({
        pool: database.pool,
        connectionString: config.databaseUrl,
        // The worker's own connection when there is one: eager starts (see relayClient).
        client: relayClient(nativeConnection ?? connection, {
          namespace,
          ...(dataConverter && { dataConverter }),
          traced: tracing !== undefined,
        }),
        eagerStart: nativeConnection !== undefined && config.relay.eagerStart,
        installationId: installation.id,
        taskQueue,
        batchSize: config.relay.batchSize,
        tenantShare: config.relay.tenantShare,
        tenantWindow: config.relay.tenantWindow,
        tenantPaceMs: config.relay.tenantPaceMs,
        concurrency: config.relay.concurrency,
        batchesInFlight: config.relay.batchesInFlight,
        pollIntervalMs: config.relay.pollIntervalMs,
        batchTimeoutMs: config.relay.batchTimeoutMs,
        deadLetterHoldMs: config.deadLetterHoldMs,
        searchAttributes: () => searchAttributes.available,
        temporalUnreachable: () => whyTemporalUnreachable(connection, temporal),
        metrics,
        logger,
      });
      relay.start();
      const { retentionMs, intervalMs } = config.retention;
      if (retentionMs !== undefined) {
        const retention = new RetentionSchedule({ db: database.db, retentionMs, intervalMs, logger });
        retention.start();
        cleanups.push(() => retention.stop());
      }
      const certificates = new CertificateExpiryWatch(database.db, logger);
      certificates.start();
      cleanups.push(() => Promise.resolve(certificates.stop()));
    }

    let httpServer: EngineHttpServer | undefined;
    if (roles.http) {
      const served = await serveEngineHttp({
        config,
        temporal,
        db: database.db,
        connection,
        relay,
        worker,
        metrics,
        dataConverter,
        installation,
        taskQueue,
        searchAttributes: () => searchAttributes.available,
        logger,
      });
      httpServer = served.server;
      cleanups.push(...served.cleanups);
    }

    let stopping: Promise<void> | undefined;
    let markStopped: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (markStopped = resolve));
    const stop = () => {
      stopping ??= (async () => {
        await relay?.stop();
        for (const running of [worker, legacyWorker]) if (running?.getState() === 'RUNNING') running.shutdown();
        await workerRun.catch(() => undefined);
        await cleanup();
        markStopped();
      })();
      return stopping;
    };
    // A worker that dies on its own (fatal error, lost server beyond its retries) stops the engine.
    const done = roles.worker
      ? workerRun.then(
          () => stop(),
          async (error: unknown) => {
            logger.error({ err: error }, 'Temporal worker failed; stopping the engine');
            await stop();
            throw error;
          },
        )
      : stopped;
    logger.info(
      {
        roles,
        installation: installation.id,
        taskQueue,
        namespace,
        temporal: temporal.address,
        tls: temporal.tls !== undefined,
        apiKey: temporal.apiKey !== undefined,
      },
      'outbox engine started',
    );
    const setApiKey = async (key: string) => {
      await nativeConnection?.setApiKey(key);
    };
    return { relay, worker, http: httpServer, done, stop, setApiKey };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
