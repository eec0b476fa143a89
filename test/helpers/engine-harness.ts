import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { pino, type Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import { inject } from 'vitest';
import type { BreakerSettings } from '../../src/activities/circuit-breaker.js';
import { TargetConnections } from '../../src/targets/target-connections.js';
import { AddressPolicy } from '../../src/egress/address-policy.js';
import { Relay } from '../../src/outbox/relay.js';
import type { Tracing } from '../../src/tracing/set-up-tracing.js';
import { createDeliveryWorker } from '../../src/worker/create-delivery-worker.js';
import { EndpointReporter } from '../../src/worker/endpoint-reporter.js';
import { EndpointPace } from '../../src/activities/endpoint-pace.js';
import type { TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

let runtimeInstalled = false;

/** Quiet SDK logs in tests (warnings and errors still show). */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
}

export const testLogger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A unique task queue per test, so workers of different files never take each other's workflows. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export interface TemporalHandles {
  address: string;
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

/** A client connection to the run's dev server. */
export async function connectTemporal(): Promise<TemporalHandles> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  return { address, connection, client: new Client({ connection }), close: () => connection.close() };
}

export interface RunningWorker {
  worker: Worker;
  /** The worker's own connection (a client on it can start workflows eagerly). */
  connection: NativeConnection;
  stop(): Promise<void>;
}

/** Starts a delivery worker on `taskQueue` against the test database, with the run's workflow bundle. */
export async function startTestWorker(
  database: TestDatabase,
  taskQueue: string,
  options: { breakerSettings?: BreakerSettings; tracing?: Tracing; http?: Dispatcher } = {},
): Promise<RunningWorker> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  // Tests' sinks are on loopback: a plain pool unless the test brings its own (egress tests).
  const http = options.http ?? new Agent({ keepAliveTimeout: 10_000 });
  // Broker connections under the run's policy (OUTBOX_ALLOW_PRIVATE_TARGETS=loopback, vitest.config.ts).
  const connections = new TargetConnections(testLogger, { policy: AddressPolicy.parse(process.env.OUTBOX_ALLOW_PRIVATE_TARGETS) });
  const pace = new EndpointPace();
  const worker = await createDeliveryWorker({
    pace,
    connection,
    namespace: 'default',
    taskQueue,
    installationId: database.installationId,
    workflowBundle: { code: await readFile(inject(options.tracing ? 'tracedWorkflowBundlePath' : 'workflowBundlePath'), 'utf8') },
    db: database.db,
    http,
    connections,
    logger: testLogger,
    ...(options.breakerSettings && { breakerSettings: options.breakerSettings }),
    ...(options.tracing && { tracing: options.tracing }),
  });
  // As `outbox start` does: the worker's endpoint pace is written where `outbox status` reads it.
  const running = new EndpointReporter({ db: database.db, snapshot: () => pace.snapshot(), logger: testLogger }).during(worker.run());
  return {
    worker,
    connection,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connections.close();
      await http.close();
      await connection.close();
    },
  };
}

/** A relay in this process against the test database. */
export function createTestRelay(
  database: TestDatabase,
  client: Client,
  taskQueue: string,
  overrides: Partial<{
    batchSize: number;
    concurrency: number;
    batchesInFlight: number;
    pollIntervalMs: number;
    deadLetterHoldMs: number;
    eagerStart: boolean;
    tenantWindow: { maxUnfinished: number; windowMs: number };
    historyLimit: number;
  }> = {},
): Relay {
  return new Relay({
    pool: database.pool,
    connectionString: database.url,
    client,
    installationId: database.installationId,
    taskQueue,
    batchSize: overrides.batchSize ?? 100,
    concurrency: overrides.concurrency ?? 32,
    pollIntervalMs: overrides.pollIntervalMs ?? 500,
    deadLetterHoldMs: overrides.deadLetterHoldMs ?? 30 * 24 * 60 * 60_000,
    ...(overrides.eagerStart !== undefined && { eagerStart: overrides.eagerStart }),
    ...(overrides.batchesInFlight !== undefined && { batchesInFlight: overrides.batchesInFlight }),
    ...(overrides.tenantWindow && { tenantWindow: overrides.tenantWindow }),
    ...(overrides.historyLimit !== undefined && { historyLimit: overrides.historyLimit }),
    logger: testLogger,
  });
}

export interface TestEngine {
  database: TestDatabase;
  temporal: TemporalHandles;
  worker: RunningWorker;
  relay: Relay;
  taskQueue: string;
  /** Workflow handle of an event by tenant and idempotency key. */
  handle(tenant: string, key: string): ReturnType<Client['workflow']['getHandle']>;
  /** The workflow's result, once the relay has started it (enqueue returns before that). */
  result<T = unknown>(tenant: string, key: string): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A whole engine for one test file: a fresh database, a worker and a relay on their own task
 * queue, and a client, all against the run's Temporal dev server.
 */
export async function startTestEngine(
  createDatabase: () => Promise<TestDatabase>,
  options: { prefix: string; relay?: Parameters<typeof createTestRelay>[3]; breakerSettings?: BreakerSettings; http?: Dispatcher },
): Promise<TestEngine> {
  const taskQueue = uniqueTaskQueue(options.prefix);
  const [database, temporal] = await Promise.all([createDatabase(), connectTemporal()]);
  const worker = await startTestWorker(database, taskQueue, {
    ...(options.breakerSettings && { breakerSettings: options.breakerSettings }),
    ...(options.http && { http: options.http }),
  });
  const relay = createTestRelay(database, temporal.client, taskQueue, options.relay);
  relay.start();
  return {
    database,
    temporal,
    worker,
    relay,
    taskQueue,
    handle: (tenant, key) => temporal.client.workflow.getHandle(database.workflowId(tenant, key)),
    result: async <T>(tenant: string, key: string) => {
      const handle = temporal.client.workflow.getHandle(database.workflowId(tenant, key));
      await waitFor(() => handle.describe(), { what: `the relay to start workflow ${handle.workflowId}` });
      return (await handle.result()) as T;
    },
    stop: async () => {
      await relay.stop();
      await worker.stop();
      await temporal.close();
      await database.drop();
    },
  };
}
