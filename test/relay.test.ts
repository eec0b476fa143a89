// The relay under concurrency and crashes, against real PostgreSQL and the run's Temporal server.
import type { ChildProcess } from 'node:child_process';
import { Client } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { enqueueMany } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { connectTemporal, createTestRelay, startTestWorker, uniqueTaskQueue, type TemporalHandles } from './helpers/engine-harness.js';
import { spawnCli } from './helpers/run-cli.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('relay', () => {
  let database: TestDatabase;
  let temporal: TemporalHandles;

  beforeAll(async () => {
    [database, temporal] = await Promise.all([createTestDatabase(), connectTemporal()]);
  });
  afterAll(async () => {
    await temporal?.close();
    await database?.drop();
  });

  const countByStatus = (tenant: string) => countEventsByStatus(database.db, { tenant });

  it('two relays racing over 1 000 events start exactly one workflow per event', async () => {
    const taskQueue = uniqueTaskQueue('race');
    const events = Array.from({ length: 1000 }, (_, i) => ({ tenant: 'race', type: 'race.event', payload: { i }, idempotencyKey: `race-${i}` }));
    await enqueueMany(database.pool, events);

    // Each relay has its own pool, like two engine processes; small batches make them interleave.
    const secondPool = new pg.Pool({ connectionString: database.url, max: 5 });
    // No worker serves this queue, so no event finishes: a window that never fills keeps the
    // relays claiming as fast as they can (the race is what is tested here).
    const racing = { batchSize: 20, concurrency: 8, tenantWindow: { maxUnfinished: 1_000_000, windowMs: 60_000 } };
    const first = createTestRelay(database, temporal.client, taskQueue, racing);
    const second = createTestRelay({ ...database, pool: secondPool }, temporal.client, taskQueue, racing);
    first.start();
    second.start();
    try {
      await waitFor(async () => (await countByStatus('race')).dispatched === 1000, {
        what: 'all 1 000 events dispatched',
        describe: async () => JSON.stringify({ status: await countByStatus('race'), first: first.stats, second: second.stats }),
      });
    } finally {
      await Promise.all([first.stop(), second.stop()]);
      await secondPool.end();
    }

    // Both relays did real work, their claims never overlapped (no event was started twice,
    // not even a refused second start), and Temporal holds exactly one workflow per event.
    expect(first.stats.claimed).toBeGreaterThan(0);
    expect(second.stats.claimed).toBeGreaterThan(0);
    expect(first.stats.claimed + second.stats.claimed).toBe(1000);
    expect(first.stats.started + second.stats.started).toBe(1000);
    expect(first.stats.alreadyStarted + second.stats.alreadyStarted).toBe(0);
    const workflows = await waitFor(
      async () => {
        const { count } = await temporal.client.workflow.count(`TaskQueue = "${taskQueue}"`);
        return count === 1000 ? count : undefined;
      },
      { what: 'Temporal visibility to list 1 000 workflows' },
    );
    expect(workflows).toBe(1000);
  });

  it('on the worker’s own connection the server hands each new workflow straight to that worker (eager start); on another connection the relay does not ask, and both deliver everything', async () => {
    const taskQueue = uniqueTaskQueue('eager');
    const sink = await new WebhookSink().start();
    const worker = await startTestWorker(database, taskQueue);
    try {
      await addSubscription(database.db, {
        name: 'eager-sink',
        tenant: 'eager',
        events: '*',
        target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      });
      const eager = createTestRelay(database, new Client({ connection: worker.connection }), taskQueue, { eagerStart: true });
      const plain = createTestRelay(database, temporal.client, taskQueue, { eagerStart: true });
      for (const [relay, name] of [
        [eager, 'eager'],
        [plain, 'plain'],
      ] as const) {
        await enqueueMany(
          database.pool,
          Array.from({ length: 20 }, (_, i) => ({ tenant: 'eager', type: 'eager.event', payload: { i }, idempotencyKey: `${name}-${i}` })),
        );
        relay.start();
        try {
          await waitFor(async () => (await countByStatus('eager')).delivered === (name === 'eager' ? 20 : 40), {
            what: `the ${name} relay's 20 events delivered`,
            describe: async () => JSON.stringify({ status: await countByStatus('eager'), stats: relay.stats }),
          });
        } finally {
          await relay.stop();
        }
      }
      expect({ started: eager.stats.started, eagerly: eager.stats.eagerlyStarted }).toEqual({ started: 20, eagerly: 20 });
      expect({ started: plain.stats.started, eagerly: plain.stats.eagerlyStarted, failures: plain.stats.startFailures }).toEqual({
        started: 20,
        eagerly: 0,
        failures: 0,
      });
      expect(sink.countsById().size).toBe(40);
    } finally {
      await worker.stop();
      await sink.stop();
    }
  });

  it('a relay killed with SIGKILL mid-batch and restarted loses nothing and delivers nothing twice', async () => {
    const taskQueue = uniqueTaskQueue('kill');
    const sink = await new WebhookSink().start();
    const worker = await startTestWorker(database, taskQueue);
    const children: ChildProcess[] = [];
    const relayEnv = (overrides: Record<string, string>) => ({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...overrides,
    });
    try {
      await addSubscription(database.db, {
        name: 'kill-sink',
        tenant: 'kill',
        events: '*',
        target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      });
      const events = Array.from({ length: 1000 }, (_, i) => ({ tenant: 'kill', type: 'kill.event', payload: { i }, idempotencyKey: `kill-${i}` }));
      await enqueueMany(database.pool, events);

      // One batch of all 1 000 events, started one at a time: the batch commits only at the end,
      // so while deliveries arrive at the sink the relay is certainly between start and mark.
      const doomed = spawnCli(['start', '--no-worker', '--no-http'], relayEnv({ OUTBOX_RELAY_BATCH_SIZE: '1000', OUTBOX_RELAY_CONCURRENCY: '1' }));
      children.push(doomed);
      await waitFor(() => sink.requests.length >= 20, { what: 'the first relay to start some workflows', timeoutMs: 60_000 });
      doomed.kill('SIGKILL');
      await new Promise((resolve) => doomed.once('exit', resolve));

      // Mid-batch: workflows were started (the sink saw them) but no row was marked dispatched.
      // The killed relay's transaction is rolled back, so every row is pending again.
      const afterKill = await waitFor(
        async () => {
          const status = await countByStatus('kill');
          return status.dispatched === undefined ? status : undefined;
        },
        { what: 'the killed batch to roll back' },
      );
      expect(afterKill.pending).toBeGreaterThan(0);
      expect(sink.requests.length).toBeGreaterThanOrEqual(20);

      const survivor = spawnCli(['start', '--no-worker', '--no-http'], relayEnv({}));
      children.push(survivor);
      await waitFor(async () => (await countByStatus('kill')).delivered === 1000, {
        timeoutMs: 150_000,
        what: 'all 1 000 events delivered after the restart',
        describe: async () => JSON.stringify({ status: await countByStatus('kill'), received: sink.requests.length }),
      });

      const counts = sink.countsById();
      expect(counts.size).toBe(1000);
      expect([...counts.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await worker.stop();
      await sink.stop();
    }
  });
});
