#!/usr/bin/env node
// What an event costs on Temporal Cloud: the billed Actions of each scenario's workflow run,
// counted from its real history by countActions (src/temporal/count-actions.ts, which holds the
// rule table and its source), and dollars per million events at the first and the last list tier.
//
//   node bench/actions-per-event.mjs            (npm run build first; run-bench.mjs runs it too)
//
// The engine runs as users run it (`outbox start`, its own process) against a Temporal dev
// server (one of its own, or TEMPORAL_ADDRESS's), on a fresh database, delivering to a loopback
// sink. Counting is deterministic, unlike timing: test/actions-per-event.test.ts pins the counts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { addSubscription, createDatabase, enqueue, generateWebhookSecret, migrate, saveSaga } from '../dist/index.js';
import { countActions, dollarsPerMillionEvents } from '../dist/temporal/count-actions.js';
import { startDevServer } from '../dist/temporal/dev-server.js';
import { findTemporalCli } from '../dist/temporal/find-temporal-cli.js';
import { paymentSagaSetup, startPaymentStub } from '../examples/payment-saga/psp-stub.mjs';
import { startScenarioSink } from './scenario-sink.mjs';

const BIN = fileURLToPath(new URL('../bin/outbox.js', import.meta.url));
const WAIT_MS = 90_000;

/** The scenarios, with the issue's targets (Actions per event) where it set one. */
export const ACTION_SCENARIOS = [
  { name: 'one webhook, delivered at once', key: 'one', target: 2 },
  { name: 'fan-out to 3 webhooks', key: 'fanout', target: 2 },
  { name: 'fails once, the retry delivers (1 s backoff)', key: 'fail-once', target: 3 },
  { name: '2 failed attempts, dead letter, `outbox dlq retry` delivers', key: 'dead-letter', target: 7 },
  { name: 'ordered event (aggregate lane)', key: 'ordered' },
  { name: '3-step saga, step 3 refused, 2 compensations', key: 'saga' },
  { name: 'replay of a delivered event (`outbox replay`)', key: 'replay' },
];

/**
 * Runs every scenario once and counts its Actions.
 *
 * @param {{ adminUrl: string, temporalAddress?: string, databasePrefix?: string, onProgress?: (line: string) => void }} options
 * @returns {Promise<Array<{ name: string, key: string, target?: number, workflowId: string, actions: import('../dist/temporal/count-actions.js').ActionCount, dollars: { firstTier: number, lastTier: number } }>>}
 */
export async function measureActionsPerEvent({ adminUrl, temporalAddress, databasePrefix = 'outbox_actions_', onProgress = () => undefined }) {
  const cleanups = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    let address = temporalAddress;
    if (!address) {
      const cli = await findTemporalCli({ onProgress });
      const server = await startDevServer({ cliPath: cli.path, port: 0, headless: true });
      cleanups.push(() => server.stop());
      address = server.address;
    }
    const databaseName = `${databasePrefix}${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await admin.end();
    });
    const url = new URL(adminUrl);
    url.pathname = `/${databaseName}`;
    const databaseUrl = url.toString();
    const database = createDatabase({ connectionString: databaseUrl, max: 2 });
    cleanups.push(() => database.close());
    await migrate(database.pool);

    const sink = await startScenarioSink();
    cleanups.push(() => sink.stop());
    const secret = generateWebhookSecret();
    const stub = await startPaymentStub({ secret });
    cleanups.push(() => stub.stop());
    await subscribeAll(database.db, sink.url, stub.url, secret);

    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: `actions-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'warn',
    };
    const engine = spawn(process.execPath, [BIN, 'start', '--no-http'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let engineErrors = '';
    engine.stderr.on('data', (chunk) => (engineErrors = (engineErrors + chunk.toString()).slice(-4000)));
    cleanups.push(async () => {
      if (engine.exitCode !== null || engine.signalCode !== null) return;
      engine.kill('SIGTERM');
      await once(engine, 'exit');
    });
    const outbox = { db: database.db, pool: database.pool, client, env, sink, engineErrors: () => engineErrors };

    const results = [];
    for (const scenario of ACTION_SCENARIOS) {
      onProgress(`actions: ${scenario.name}`);
      const workflowId = await SCENARIOS[scenario.key](outbox);
      const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
      const actions = countActions(events ?? []);
      results.push({ ...scenario, workflowId, actions, dollars: dollarsPerMillionEvents(actions.total) });
    }
    return results;
  } finally {
    await cleanup();
  }
}

/** The subscriptions each scenario delivers to: one tenant per scenario, so their routes never mix. */
async function subscribeAll(db, sinkUrl, stubUrl, secret) {
  const webhook = (path) => ({ kind: 'webhook', config: { url: `${sinkUrl}${path}`, secret, allowPrivateAddresses: true } });
  await addSubscription(db, { name: 'one', tenant: 'act-one', events: '*', target: webhook('/ok') });
  for (const name of ['fan-a', 'fan-b', 'fan-c']) await addSubscription(db, { name, tenant: 'act-fanout', events: '*', target: webhook('/ok') });
  await addSubscription(db, {
    name: 'blip',
    tenant: 'act-fail-once',
    events: '*',
    target: webhook('/fail-once'),
    retryPolicy: { initialInterval: '1s', maximumAttempts: 5 },
  });
  await addSubscription(db, {
    name: 'down',
    tenant: 'act-dead-letter',
    events: '*',
    target: webhook('/down'),
    retryPolicy: { initialInterval: '1s', maximumAttempts: 2 },
  });
  await addSubscription(db, { name: 'lane', tenant: 'act-ordered', events: '*', target: webhook('/ok'), ordered: true });
  const { subscriptions, saga } = paymentSagaSetup({ stubUrl, secret, maximumAttempts: 1 });
  for (const subscription of subscriptions) await addSubscription(db, { ...subscription, tenant: 'act-saga' });
  await saveSaga(db, { ...saga, tenant: 'act-saga' });
}

/** Each scenario: enqueue, drive it to its end, and return the workflow id whose latest run is counted. */
const SCENARIOS = {
  one: (outbox) => deliver(outbox, { tenant: 'act-one', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'one-1' }),
  fanout: (outbox) => deliver(outbox, { tenant: 'act-fanout', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'fanout-1' }),
  'fail-once': (outbox) => deliver(outbox, { tenant: 'act-fail-once', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'fail-once-1' }),
  async 'dead-letter'(outbox) {
    outbox.sink.down = true;
    const { workflowId } = await started(outbox, { tenant: 'act-dead-letter', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'dead-letter-1' });
    await waitUntil(outbox, 'the dead letter', async () => {
      const { rows } = await outbox.pool.query("SELECT 1 FROM outbox.dead_letters WHERE tenant_id = 'act-dead-letter' AND resolved_at IS NULL");
      return rows.length > 0;
    });
    outbox.sink.down = false;
    await runCli(outbox, ['dlq', 'retry', '--all', '--tenant', 'act-dead-letter']);
    await outbox.client.workflow.getHandle(workflowId).result();
    return workflowId;
  },
  ordered: (outbox) =>
    deliver(outbox, {
      tenant: 'act-ordered',
      type: 'order.created',
      payload: { n: 1 },
      idempotencyKey: 'ordered-1',
      aggregateType: 'order',
      aggregateId: 'o-1',
    }),
  saga: (outbox) =>
    deliver(outbox, { tenant: 'act-saga', type: 'payment.requested', payload: { orderId: 's-1', amount: 990, failAt: 'provision' }, idempotencyKey: 'saga-1' }),
  async replay(outbox) {
    const { rows } = await outbox.pool.query("SELECT workflow_id, created_at FROM outbox.events WHERE tenant_id = 'act-one' AND idempotency_key = 'one-1'");
    const since = new Date(rows[0].created_at.getTime() - 1000).toISOString();
    const before = await outbox.client.workflow.getHandle(rows[0].workflow_id).describe();
    await runCli(outbox, ['replay', '--tenant', 'act-one', '--since', since, '--yes']);
    const handle = outbox.client.workflow.getHandle(rows[0].workflow_id);
    await waitUntil(outbox, 'the replay run', async () => (await handle.describe()).runId !== before.runId);
    await handle.result();
    return rows[0].workflow_id;
  },
};

/** Enqueues, waits for the relay to start the workflow, and resolves with its id once it completed. */
async function deliver(outbox, event) {
  const { workflowId } = await started(outbox, event);
  await outbox.client.workflow.getHandle(workflowId).result();
  return workflowId;
}

async function started(outbox, event) {
  const eventId = await enqueue(outbox.pool, event);
  let workflowId;
  await waitUntil(outbox, `the workflow of ${event.idempotencyKey}`, async () => {
    const { rows } = await outbox.pool.query("SELECT workflow_id FROM outbox.events WHERE id = $1 AND status <> 'pending'", [eventId]);
    workflowId = rows[0]?.workflow_id;
    return workflowId !== undefined;
  });
  return { eventId, workflowId };
}

async function waitUntil(outbox, what, check) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${WAIT_MS / 1000} s; the engine said:\n${outbox.engineErrors()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function runCli(outbox, args) {
  const child = spawn(process.execPath, [BIN, ...args], { env: outbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`outbox ${args.join(' ')} exited ${code}:\n${output}`);
  return output;
}

/** The table run-bench.mjs and this script print. */
export function formatActions(results) {
  const lines = ['Actions per event (Temporal Cloud rules, counted from each run’s history):', ''];
  lines.push(`  ${'scenario'.padEnd(62)} ${'Actions'.padStart(7)}  ${'target'.padStart(6)}  ${'$/M events'.padStart(16)}  breakdown`);
  for (const result of results) {
    const parts = Object.entries(result.actions)
      .filter(([name, value]) => name !== 'total' && value > 0)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ');
    const dollars = `${result.dollars.firstTier.toFixed(0)} → ${result.dollars.lastTier.toFixed(0)}`;
    lines.push(
      `  ${result.name.padEnd(62)} ${String(result.actions.total).padStart(7)}  ${(result.target === undefined ? '' : `≤ ${result.target}`).padStart(6)}  ${dollars.padStart(16)}  ${parts}`,
    );
  }
  lines.push('', '  $/M events: dollars per million events at the first list tier ($50 per million Actions) → the last ($25).');
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const results = await measureActionsPerEvent({ adminUrl, temporalAddress: process.env.TEMPORAL_ADDRESS, onProgress: (line) => console.error(line) });
  console.log(formatActions(results));
}
