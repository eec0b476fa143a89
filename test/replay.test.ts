// `outbox replay` as an operator runs it, against real PostgreSQL and the run's Temporal server.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMany } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { freePort } from '../src/temporal/dev-server.js';
import { statusQuery, type DeliverEventResult } from '../src/workflows/definitions.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('outbox replay', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  let env: Record<string, string>;
  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'replay' });
    sink = await new WebhookSink().start();
    env = operatorEnv(engine.database, engine.taskQueue);
    await addSubscription(engine.database.db, {
      name: 'main',
      tenant: 'rp',
      events: 'rp.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
  });
  afterAll(async () => {
    await sink?.stop();
    await engine?.stop();
  });

  const dbNow = async () => (await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(engine.database.db)).rows[0]!.now;
  const runIds = async (keys: string[]) => Promise.all(keys.map(async (key) => (await engine.handle('rp', key).describe()).runId));
  const enqueueBatch = (type: string, keys: string[]) =>
    enqueueMany(
      engine.database.pool,
      keys.map((key) => ({ tenant: 'rp', type, payload: { key }, idempotencyKey: key })),
    );
  const keys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

  it('re-delivers 50 events selected by type and time range once each, with the same webhook-id; --dry-run sends nothing', async () => {
    const since = await dbNow();
    const chosen = keys('a', 50);
    const otherType = keys('b', 10);
    await enqueueBatch('rp.a', chosen);
    await enqueueBatch('rp.b', otherType);
    const until = await dbNow();
    const later = keys('late', 10);
    await enqueueBatch('rp.a', later);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'rp' })).delivered === 70, { what: '70 first deliveries' });
    const before = await runIds(chosen);

    const args = ['replay', '--tenant', 'rp', '--events', 'rp.a', '--since', since.toISOString(), '--until', until.toISOString()];
    const dry = await runCli([...args, '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^dry run: would replay 50 event\(s\) \(tenant rp, events rp\.a, /);
    expect(dry.stdout).toContain('… and 30 more');
    expect(await runIds(chosen)).toEqual(before);

    const replayed = await runCli([...args, '--yes'], env);
    expect(replayed.stderr).toContain('replaying [');
    expect(replayed.stdout).toMatch(/^replayed 50 of 50 event\(s\)/);
    expect(replayed.code).toBe(0);
    await waitFor(
      async () => chosen.every((key) => sink.countsById().get(key) === 2) && (await countEventsByStatus(engine.database.db, { tenant: 'rp' })).delivered === 70,
      { what: 'each chosen event delivered a second time and finished' },
    );
    const counts = sink.countsById();
    for (const key of [...otherType, ...later]) expect(counts.get(key)).toBe(1);
    // A closed workflow got a new run under the same id; the consumer saw the same webhook-id.
    const after = await runIds(chosen);
    after.forEach((runId, i) => expect(runId).not.toBe(before[i]));
    const deliveredAgain = sink.requests.filter((request) => request.id === 'a-7');
    expect(deliveredAgain.map((request) => request.headers['webhook-id'])).toEqual([
      engine.database.workflowId('rp', 'a-7'),
      engine.database.workflowId('rp', 'a-7'),
    ]);
  });

  it('a still-running workflow gets the replay as a signal: same run, its delivered route again, its dead route retried', async () => {
    const port = await freePort();
    await addSubscription(engine.database.db, {
      name: 'flaky-target',
      tenant: 'rp',
      events: 'rp.running',
      target: { kind: 'webhook', config: { url: `http://127.0.0.1:${port}/hook`, secret: generateWebhookSecret() } },
      retryPolicy: { maximumAttempts: 1 },
    });
    const since = await dbNow();
    await enqueueBatch('rp.running', ['run-1']);
    await waitFor(async () => (await engine.handle('rp', 'run-1').query(statusQuery)).status === 'DeadLettered', { what: 'a dead-lettered, running workflow' });
    expect(sink.countsById().get('run-1')).toBe(1);
    const before = await engine.handle('rp', 'run-1').describe();
    const revived = await new WebhookSink().start(port);
    try {
      const replayed = await runCli(['replay', '--tenant', 'rp', '--events', 'rp.running', '--since', since.toISOString()], env);
      expect(replayed.code).toBe(0);
      const result = await engine.result<DeliverEventResult>('rp', 'run-1');
      expect(result.status).toBe('Delivered');
      expect((await engine.handle('rp', 'run-1').describe()).runId).toBe(before.runId);
      const history = JSON.stringify(await engine.handle('rp', 'run-1').fetchHistory());
      expect(history).toMatch(/"signalName":"replay"/);
      expect(sink.countsById().get('run-1')).toBe(2);
      expect(revived.countsById().get('run-1')).toBe(1);
    } finally {
      await revived.stop();
    }
  });

  it('--subscription limits the replay to the named subscriptions', async () => {
    const second = await new WebhookSink().start();
    try {
      await addSubscription(engine.database.db, {
        name: 'second',
        tenant: 'rp',
        events: 'rp.sub',
        target: { kind: 'webhook', config: { url: second.url, secret: generateWebhookSecret() } },
      });
      const since = await dbNow();
      await enqueueBatch('rp.sub', ['sub-1']);
      await waitFor(async () => (await countEventsByStatus(engine.database.db, { typeLike: 'rp.sub' })).delivered === 1, { what: 'first delivery' });
      const replayed = await runCli(['replay', '--tenant', 'rp', '--events', 'rp.sub', '--since', since.toISOString(), '--subscription', 'second'], env);
      expect(replayed.code).toBe(0);
      await waitFor(() => second.countsById().get('sub-1') === 2, { what: 'the replay to reach the named subscription' });
      const result = await engine.result<DeliverEventResult>('rp', 'sub-1');
      expect(result.routes.map((route) => route.subscriptionName)).toEqual(['second']);
      expect(sink.countsById().get('sub-1')).toBe(1);
    } finally {
      await second.stop();
    }
  });

  it('asks before replaying more than 100 events, and refuses without a terminal unless --yes', async () => {
    const since = await dbNow();
    const many = keys('many', 101);
    await enqueueBatch('rp.many', many);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { typeLike: 'rp.many' })).delivered === 101, { what: '101 deliveries' });
    const before = await runIds(many.slice(0, 5));
    const refused = await runCli(['replay', '--tenant', 'rp', '--events', 'rp.many', '--since', since.toISOString()], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('error: Refusing to replay 101 events without confirmation: pass --yes (there is no terminal to ask on).\n');
    expect(await runIds(many.slice(0, 5))).toEqual(before);
  });

  it('rejects malformed dates and reversed ranges, naming the flag', async () => {
    const bad = await runCli(['replay', '--tenant', 'rp', '--since', 'yesterday'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error: option '--since <date>' argument 'yesterday' is invalid. Expected an ISO 8601 date or time");
    const reversed = await runCli(['replay', '--tenant', 'rp', '--since', '2026-01-02', '--until', '2026-01-01'], env);
    expect(reversed.code).toBe(1);
    expect(reversed.stderr).toMatch(/^error: --until \(2026-01-01T00:00:00.000Z\) must be after --since/);
  });
});
