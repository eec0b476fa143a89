// The chaos run: concurrent app transactions (some rolled back) enqueue events while a schedule
// of real faults strikes the engine (child processes), its Temporal server (own dev server on a
// database file), PostgreSQL connections, and the links to Temporal and to the consumer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { enqueue } from '../../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../../src/subscriptions/subscription-store.js';
import { freePort, startDevServer, type RunningDevServer } from '../../src/temporal/dev-server.js';
import { uniqueTaskQueue } from '../helpers/engine-harness.js';
import { OUTBOX_BIN } from '../helpers/run-cli.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { ChaosConsumer } from './chaos-consumer.js';
import type { ChaosProfile } from './chaos-profile.js';
import { summarise, type ChaosReport, type FaultWindow } from './chaos-report.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An engine role as a child process, restarted by this supervisor whenever it exits. */
class Supervised {
  private child: ChildProcess | undefined;
  private stopped = false;
  restarts = 0;
  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {}
  start(): void {
    this.child = spawn(process.execPath, [OUTBOX_BIN, ...this.args], { env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    this.child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString('utf8')).slice(-2000)));
    this.child.once('exit', (code, signal) => {
      if (this.stopped || signal === 'SIGKILL') return;
      // A crash of its own (e.g. the worker giving up on a dead server): restart like a supervisor.
      this.log(`${this.name} exited by itself (${signal ?? code}); restarting. Last output: ${tail.split('\n').slice(-3).join(' | ')}`);
      this.restarts += 1;
      setTimeout(() => !this.stopped && this.start(), 500);
    });
  }
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.kill();
  }
}

/**
 * Runs one chaos profile against `database` and returns the report.
 *
 * @example
 * const report = await runChaos(database, PROFILES.short, { cliPath, log: console.log });
 */
export async function runChaos(database: TestDatabase, profile: ChaosProfile, options: { cliPath: string; log: (line: string) => void }): Promise<ChaosReport> {
  const { log } = options;
  const secret = generateWebhookSecret();
  const workDir = await mkdtemp(join(tmpdir(), 'outbox-chaos-'));
  const temporalPort = await freePort();
  const startTemporal = () => startDevServer({ cliPath: options.cliPath, port: temporalPort, headless: true, dbFile: join(workDir, 'temporal.db') });
  let temporal: RunningDevServer = await startTemporal();
  const temporalLink = await new TcpProxy('127.0.0.1', temporalPort).up();
  const consumer = await new ChaosConsumer(database.url, secret, profile.targetTimeoutMs + 500).start();
  const targetLink = await new TcpProxy('127.0.0.1', consumer.port).up();
  await addSubscription(database.db, {
    name: 'chaos-consumer',
    events: '*',
    target: { kind: 'webhook', config: { url: `http://127.0.0.1:${targetLink.port}/hook`, secret, timeoutMs: profile.targetTimeoutMs } },
    // Retry until delivered: nothing in this run should need an operator.
    retryPolicy: { maximumAttempts: 10_000, initialInterval: '1s', backoffCoefficient: 1.5, maximumInterval: '3s' },
  });
  await database.pool.query('CREATE TABLE IF NOT EXISTS chaos_orders (id int PRIMARY KEY)');

  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalLink.port}`,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('chaos'),
    OUTBOX_RELAY_POLL_INTERVAL: '200ms',
    OUTBOX_BREAKER_COOLDOWN: '2s',
    LOG_LEVEL: 'error',
    // The sink is a loopback server.
    OUTBOX_ALLOW_PRIVATE_TARGETS: 'loopback',
  };
  const relay = new Supervised('relay', ['start', '--no-worker', '--no-http'], env, log);
  const worker = new Supervised('worker', ['start', '--no-relay', '--no-http'], env, log);
  relay.start();
  worker.start();

  // Writers: each event is one app transaction with a business row; every Nth rolls back.
  const committed = new Set<string>();
  const rolledBack = new Set<string>();
  let next = 0;
  const writingStarted = Date.now();
  const writer = async (writerIndex: number) => {
    for (;;) {
      const n = next++;
      if (n >= profile.events) return;
      // Pace the writers so the events spread over the whole fault schedule.
      const due = writingStarted + (n / profile.events) * profile.writeForMs;
      if (due > Date.now()) await sleep(due - Date.now());
      const key = `chaos-${n}`;
      const client = await database.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO chaos_orders (id) VALUES ($1)', [n]);
        await enqueue(client, { tenant: 'chaos', type: 'chaos.order', payload: { n, writer: writerIndex }, idempotencyKey: key });
        if (n % profile.rollbackEvery === 0) {
          await client.query('ROLLBACK');
          rolledBack.add(key);
        } else {
          await client.query('COMMIT');
          committed.add(key);
        }
      } finally {
        client.release();
      }
    }
  };
  const writing = Promise.all(Array.from({ length: profile.writers }, (_, index) => writer(index)));

  // The fault schedule, cycled until the writers are done.
  const faults: FaultWindow[] = [];
  const fault = async (name: string, action: () => Promise<void>) => {
    const start = Date.now();
    await action();
    faults.push({ name, start, end: Date.now() });
    log(`fault: ${name} (${Date.now() - start} ms)`);
  };
  const schedule: [string, () => Promise<void>][] = [
    ['SIGKILL relay', async () => (await relay.kill(), await sleep(profile.pauseMs), relay.start())],
    ['SIGKILL worker', async () => (await worker.kill(), await sleep(profile.pauseMs), worker.start())],
    ['partition engine↔Temporal', async () => (await temporalLink.down(), await sleep(profile.pauseMs), void (await temporalLink.up()))],
    [
      'PostgreSQL kills the engine connections',
      async () =>
        void (await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'outbox-%' AND pid <> pg_backend_pid()`.execute(
          database.db,
        )),
    ],
    ['partition engine↔target', async () => (await targetLink.down(), await sleep(profile.pauseMs), void (await targetLink.up()))],
    [
      'flapping target (503, slow, reset)',
      async () => {
        consumer.flapping = true;
        await sleep(profile.pauseMs * 2);
        consumer.flapping = false;
      },
    ],
    [
      'SIGKILL Temporal server',
      async () => (process.kill(temporal.pid, 'SIGKILL'), await sleep(profile.pauseMs), (temporal = await startTemporal()), undefined),
    ],
    [
      'slow link engine↔Temporal (+300 ms)',
      async () => {
        temporalLink.latencyMs = 300;
        await sleep(profile.pauseMs);
        temporalLink.latencyMs = 0;
      },
    ],
  ];
  let done = false;
  void writing.then(() => (done = true));
  for (let round = 0; !done || round === 0; round++) {
    for (const [name, action] of schedule) {
      await fault(name, action);
      await sleep(profile.betweenFaultsMs);
      if (done && round > 0) break;
    }
  }
  await writing;
  const lastFaultEnd = Math.max(...faults.map((window) => window.end));
  log(`writers done: ${committed.size} committed, ${rolledBack.size} rolled back; waiting for the drain`);

  // Recovery: every committed event has its effect at the consumer and is delivered in the outbox.
  const deadline = Date.now() + profile.drainTimeoutMs;
  let drainedAt: number | undefined;
  while (Date.now() < deadline) {
    const effects = await consumer.effects();
    const delivered = await database.db
      .selectFrom('outbox.events')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('tenant_id', '=', 'chaos')
      .where('status', '=', 'delivered')
      .executeTakeFirstOrThrow();
    if ([...committed].every((key) => effects.has(key)) && delivered.n === committed.size) {
      drainedAt = Date.now();
      break;
    }
    await sleep(250);
  }

  const [effects, statuses] = await Promise.all([
    consumer.effects(),
    database.db
      .selectFrom('outbox.events')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .where('tenant_id', '=', 'chaos')
      .groupBy('status')
      .execute(),
  ]);
  await Promise.all([relay.stop(), worker.stop()]);
  await temporal.stop();
  await Promise.all([temporalLink.down(), targetLink.down()]);
  await consumer.stop();
  await rm(workDir, { recursive: true, force: true });
  return summarise({
    profile,
    committed,
    rolledBack,
    effects,
    requests: consumer.requests,
    statuses: Object.fromEntries(statuses.map((row) => [row.status, row.n])),
    faults,
    lastFaultEnd,
    drainedAt,
    restarts: relay.restarts + worker.restarts,
  });
}
