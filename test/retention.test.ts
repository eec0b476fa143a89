// Retention against real PostgreSQL while a real engine (relay + worker on the run's Temporal
// server) keeps delivering: only finished rows past the cutoff go, in batches.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { cleanUp, type CleanUpResult } from '../src/retention/clean-up.js';
import { RetentionSchedule } from '../src/retention/retention-schedule.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, testLogger, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

const DAY = 86_400_000;

describe('retention', () => {
  let engine: TestEngine;
  let sink: WebhookSink;

  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'retention' });
    sink = await new WebhookSink().start();
    await addSubscription(engine.database.db, {
      name: 'sink',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
  });
  afterAll(async () => {
    await sink?.stop();
    await engine?.stop();
  });

  /** Rows as an engine would have left them, `daysAgo` days back, each with one delivery log row. */
  const seed = async (tenant: string, status: string, count: number, daysAgo: number) => {
    const at = new Date(Date.now() - daysAgo * DAY);
    const finished = ['delivered', 'discarded', 'expired', 'compensated'].includes(status) ? at : null;
    await sql`
      WITH inserted AS (
        INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, payload, status, created_at, dispatched_at, finished_at)
        SELECT ${tenant}, ${`${tenant}-${status}-`} || n, 'seed.event', '{}', ${status}, ${at}, ${at}, ${finished}
        FROM generate_series(1, ${count}) AS n
        RETURNING id
      )
      INSERT INTO outbox.deliveries (event_id, tenant_id, target_kind, target, attempt, outcome, duration_ms, workflow_id, attempted_at)
      SELECT id, ${tenant}, 'webhook', 'seed', 1, 'delivered', 1, 'seed', ${at} FROM inserted`.execute(engine.database.db);
  };

  it('deletes only finished rows past the cutoff, in batches, while the engine keeps delivering', async () => {
    await seed('old', 'delivered', 250, 10);
    await seed('old', 'discarded', 20, 10);
    await seed('old', 'expired', 20, 10);
    await seed('old', 'compensated', 10, 10);
    await seed('recent', 'delivered', 30, 1);
    await seed('stuck', 'dead_lettered', 15, 10);
    await seed('stuck', 'dispatched', 5, 10);
    const stuckIds = await engine.database.db
      .selectFrom('outbox.events')
      .select('id')
      .where('tenant_id', '=', 'stuck')
      .where('status', '=', 'dead_lettered')
      .execute();
    await engine.database.db
      .insertInto('outbox.dead_letters')
      .values(stuckIds.map(({ id }) => ({ event_id: id, subscription_name: 'sink', tenant_id: 'stuck', attempts: 3, last_error: 'seed', workflow_id: 'seed' })))
      .execute();

    const progress: CleanUpResult[] = [];
    const writing = (async () => {
      for (let index = 0; index < 100; index++)
        await enqueue(engine.database.pool, { tenant: 'new', type: 'new.event', payload: { index }, idempotencyKey: `new-${index}` });
    })();
    const [result] = await Promise.all([
      cleanUp(engine.database.db, { olderThanMs: 7 * DAY, batchSize: 50, onProgress: (step) => progress.push(step) }),
      writing,
    ]);

    expect(result.events).toBe(300);
    expect(result.batches).toBeGreaterThanOrEqual(6);
    expect(progress.length).toBe(result.batches);
    expect(progress.map((step) => step.events)).toEqual([...progress.map((step) => step.events)].sort((a, b) => a - b));
    // The eligible events' log rows went with them; the dead-lettered events' old log rows too.
    expect(result.deliveries).toBe(300 + 20);
    expect(await countEventsByStatus(engine.database.db, { tenant: 'old' })).toEqual({});
    expect(await countEventsByStatus(engine.database.db, { tenant: 'recent' })).toEqual({ delivered: 30 });
    expect(await countEventsByStatus(engine.database.db, { tenant: 'stuck' })).toEqual({ dead_lettered: 15, dispatched: 5 });
    const openDeadLetters = await engine.database.db.selectFrom('outbox.dead_letters').select('id').where('tenant_id', '=', 'stuck').execute();
    expect(openDeadLetters).toHaveLength(15);
    const oldLog = await engine.database.db
      .selectFrom('outbox.deliveries')
      .select('id')
      .where('attempted_at', '<', new Date(Date.now() - 7 * DAY))
      .execute();
    expect(oldLog).toEqual([]);
    const recentLog = await engine.database.db.selectFrom('outbox.deliveries').select('id').where('tenant_id', '=', 'recent').execute();
    expect(recentLog).toHaveLength(30);

    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'new' })).delivered === 100, {
      what: 'the 100 new events to be delivered',
    });
    expect(new Set(sink.requests.map((request) => request.id)).size).toBe(100);
  });

  it('`outbox cleanup` counts with --dry-run, deletes without it, and names a bad flag', async () => {
    const env = operatorEnv(engine.database, engine.taskQueue);
    await seed('cli', 'delivered', 5, 30);
    const dry = await runCli(['cleanup', '--older-than', '7d', '--dry-run'], env);
    expect(dry.stdout).toContain('would delete 5 finished event(s) and 5 delivery log row(s) older than 7d');
    expect(await countEventsByStatus(engine.database.db, { tenant: 'cli' })).toEqual({ delivered: 5 });
    const real = await runCli(['cleanup', '--older-than', '7d', '--batch-size', '2'], env);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain('deleted 5 finished event(s) and 5 delivery log row(s) older than 7d in 3 batch(es)');
    const bad = await runCli(['cleanup', '--older-than', 'a week'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--older-than');
  });

  it("the engine's retention schedule (OUTBOX_RETENTION) deletes eligible rows on its own", async () => {
    await seed('timer', 'delivered', 7, 40);
    await seed('timer-kept', 'delivered', 3, 2);
    const schedule = new RetentionSchedule({ db: engine.database.db, retentionMs: 30 * DAY, intervalMs: 60 * 60_000, firstRunAfterMs: 10, logger: testLogger });
    schedule.start();
    try {
      await waitFor(async () => Object.keys(await countEventsByStatus(engine.database.db, { tenant: 'timer' })).length === 0, {
        what: 'the schedule to delete the old rows',
      });
      expect(await countEventsByStatus(engine.database.db, { tenant: 'timer-kept' })).toEqual({ delivered: 3 });
    } finally {
      await schedule.stop();
    }
  });
});
