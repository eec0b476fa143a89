// A relay stopped mid-batch (SIGSTOP: its host froze or vanished, so no connection is reset) must
// not hold its rows for hours: PostgreSQL ends its idle transaction after the relay batch
// timeout, and another relay delivers those events, each once.
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { enqueueMany } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { connectTemporal, createTestRelay, startTestWorker, uniqueTaskQueue, type RunningWorker, type TemporalHandles } from './helpers/engine-harness.js';
import { spawnCli } from './helpers/run-cli.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('a relay stopped mid-batch', () => {
  let database: TestDatabase;
  let sink: WebhookSink;
  let temporal: TemporalHandles;
  let worker: RunningWorker | undefined;
  const taskQueue = uniqueTaskQueue('stopped');
  beforeAll(async () => {
    [database, sink, temporal] = await Promise.all([createTestDatabase(), new WebhookSink().start(), connectTemporal()]);
    await addSubscription(database.db, { name: 'sink', events: '*', target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } } });
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([sink?.stop(), temporal?.close()]);
    await database?.drop();
  });

  it('releases its rows after OUTBOX_RELAY_BATCH_TIMEOUT, and a second relay delivers them once each while it stays stopped', async () => {
    const [host, port] = inject('temporalAddress').split(':') as [string, string];
    const proxy = await new TcpProxy(host, Number(port)).up();
    const stopped = spawnCli(['start', '--no-worker', '--no-http'], {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
      TEMPORAL_TASK_QUEUE: taskQueue,
      OUTBOX_RELAY_BATCH_TIMEOUT: '2s',
      LOG_LEVEL: 'info',
    });
    let stderr = '';
    stopped.stdout?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    stopped.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    try {
      await waitFor(() => stderr.includes('outbox engine started'), { what: 'the first relay to start', describe: () => stderr });
      // Its link to Temporal turns very slow: the next batch claims its rows, then waits on its starts.
      proxy.latencyMs = 60_000;
      await enqueueMany(
        database.pool,
        Array.from({ length: 10 }, (_, i) => ({ tenant: 'frozen', type: 'order.created', payload: { i }, idempotencyKey: `frozen-${i}` })),
      );
      await waitFor(
        async () => {
          const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'outbox-engine' AND state = 'idle in transaction'`.execute(database.db);
          return (rows[0]?.n ?? 0) > 0;
        },
        { what: 'the first relay to hold a batch open' },
      );
      stopped.kill('SIGSTOP');

      // The second relay and a worker talk to Temporal directly.
      worker = await startTestWorker(database, taskQueue);
      const relay = createTestRelay(database, temporal.client, taskQueue, { pollIntervalMs: 200 });
      relay.start();
      try {
        await waitFor(async () => (await countEventsByStatus(database.db, { tenant: 'frozen' })).delivered === 10, {
          what: 'the second relay to deliver the stopped relay’s events',
          timeoutMs: 45_000,
          describe: async () => JSON.stringify(await countEventsByStatus(database.db, { tenant: 'frozen' })),
        });
      } finally {
        await relay.stop();
      }
      // Still stopped the whole time: nothing was delivered by it.
      expect(stopped.exitCode).toBeNull();
      const counts = sink.countsById();
      expect(counts.size).toBe(10);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    } finally {
      stopped.kill('SIGCONT');
      stopped.kill('SIGKILL');
      await proxy.down();
    }
  });
});
