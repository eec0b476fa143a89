// Ordered lanes survive a relay batch that never commits. The relay starts workflows before the
// COMMIT that marks their rows dispatched and puts them in their lanes; if the relay dies between
// the two (SIGKILL here), the workflow already runs for a row that is pending again. It must still
// take its turn in the lane, and the aggregate's later events must not wait forever behind a lane
// place nobody will close. A lane place whose holder is closed is shown by `outbox status` and
// released by the relay.
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { enqueue } from '../src/outbox/enqueue.js';
import { resolveRoutes } from '../src/activities/resolve-routes.js';
import { releaseOrphanedLanes } from '../src/outbox/orphaned-lanes.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { connectTemporal, createTestRelay, startTestWorker, uniqueTaskQueue, type RunningWorker, type TemporalHandles } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('ordered lanes after a relay batch that never commits', () => {
  let database: TestDatabase;
  let sink: WebhookSink;
  let temporal: TemporalHandles;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('lane-rollback');
  const order = (key: string) => ({ tenant: 'shop', type: 'order.changed', payload: { key }, idempotencyKey: key, aggregateType: 'order', aggregateId: 'o-1' });
  const arrived = () => sink.requests.filter((request) => request.status === 200).map((request) => request.id);
  const laneStates = async () =>
    (
      await sql<{ key: string; state: string }>`SELECT e.idempotency_key AS key, o.state FROM outbox.ordered_deliveries o
        JOIN outbox.events e ON e.id = o.event_id ORDER BY o.event_id`.execute(database.db)
    ).rows;

  beforeAll(async () => {
    [database, sink, temporal] = await Promise.all([createTestDatabase(), new WebhookSink().start(), connectTemporal()]);
    await addSubscription(database.db, {
      name: 'ordered-sink',
      events: 'order.*',
      ordered: true,
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
    worker = await startTestWorker(database, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([sink?.stop(), temporal?.close()]);
    await database?.drop();
  });

  it('a workflow whose relay was SIGKILLed before COMMIT takes its turn, and the next event of the aggregate is delivered after it', async () => {
    // The first event's endpoint answers slowly, so the row is claimed again while it is delivered.
    sink.responder = (request) => ({ status: 200, ...(request.id === 'first' && { delayMs: 2_000 }) });
    const doomed = spawnCli(['start', '--no-worker', '--no-http'], {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'info',
    });
    let output = '';
    doomed.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    doomed.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    // Holding the lane table stops the relay's dispatch mark (and so its COMMIT) after its starts.
    const blocker = await database.pool.connect();
    try {
      await waitFor(() => output.includes('outbox engine started'), { what: 'the relay to start', describe: () => output });
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE outbox.ordered_deliveries IN EXCLUSIVE MODE');
      await enqueue(database.pool, order('first'));
      const waitingOnLocks = async () =>
        (await sql<{ query: string }>`SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(database.db))
          .rows;
      // The relay has started the workflow and its dispatch mark waits on the table: it is between
      // its starts and its COMMIT. (The workflow may already wait on the row, or read it once the
      // relay is gone: either way it finds the row pending, which is the case under test. Waiting
      // for the workflow's wait too made this test depend on the worker's timing: two CI runs
      // in five timed out with the relay blocked and the workflow not yet at its read.)
      await waitFor(async () => (await waitingOnLocks()).some((waiter) => waiter.query.includes('mark_dispatched')), {
        what: 'the relay to block before its COMMIT',
        describe: async () => `waiting on locks: ${JSON.stringify(await waitingOnLocks())}; relay output: ${output.slice(-1_500)}`,
      });
      doomed.kill('SIGKILL');
      await waitFor(() => doomed.exitCode !== null || doomed.signalCode !== null, { what: 'the relay to die' });
    } finally {
      doomed.kill('SIGKILL');
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }

    // Another relay takes over, and the aggregate's next event follows.
    const relay = createTestRelay(database, temporal.client, taskQueue, { pollIntervalMs: 200 });
    relay.start();
    try {
      await enqueue(database.pool, order('second'));
      await waitFor(() => arrived().length === 2, {
        what: 'both events of the aggregate to arrive',
        timeoutMs: 30_000,
        describe: async () => `arrived ${JSON.stringify(arrived())}, lanes ${JSON.stringify(await laneStates())}`,
      });
    } finally {
      await relay.stop();
    }
    expect(arrived()).toEqual(['first', 'second']);
    // The second was sent only after the first was answered: it waited for its turn.
    const [first, second] = ['first', 'second'].map((id) => sink.requests.find((request) => request.id === id)!);
    expect(second!.receivedAt).toBeGreaterThanOrEqual(first!.receivedAt + 2_000);
    await waitFor(async () => (await laneStates()).every((row) => row.state === 'done'), {
      what: 'every lane place to be closed',
      describe: async () => JSON.stringify(await laneStates()),
    });
    expect((await laneStates()).map((row) => row.key)).toEqual(['first', 'second']);
  }, 90_000);

  it("resolveRoutes, finding the row still pending after the relay's lock is gone, dispatches it and takes the lane place itself", async () => {
    // The state a rolled-back relay batch leaves, made directly (no timing involved): the row is
    // pending again while its workflow runs and routes it.
    const id = await enqueue(database.pool, { ...order('rolled-back'), aggregateId: 'o-3' });
    const workflowId = database.workflowId('shop', 'rolled-back');
    const resolved = await resolveRoutes(database.db, id, workflowId);
    const [subscription] = (await sql<{ id: string }>`SELECT id::text FROM outbox.subscriptions WHERE name = 'ordered-sink'`.execute(database.db)).rows;
    expect(resolved.orderedLanes).toEqual([subscription!.id]);
    const { rows } = await sql<{ status: string; workflow_id: string; lane: string | null }>`
      SELECT e.status, e.workflow_id, o.state AS lane FROM outbox.events e
        LEFT JOIN outbox.ordered_deliveries o ON o.event_id = e.id WHERE e.id = ${id}`.execute(database.db);
    expect(rows).toEqual([{ status: 'dispatched', workflow_id: workflowId, lane: expect.any(String) as unknown }]);
  });

  it('outbox status shows a lane place whose holder is closed, and the relay releases it so the events behind it go', async () => {
    // The state the defect left behind: a finished event still holding a `waiting` lane place.
    const stale = await enqueue(database.pool, { ...order('stale'), aggregateId: 'o-2' });
    await sql`UPDATE outbox.events SET status = 'delivered', dispatched_at = now(), finished_at = now() WHERE id = ${stale}`.execute(database.db);
    await sql`INSERT INTO outbox.ordered_deliveries (subscription_id, tenant_id, ordering_key, event_id)
              SELECT id, 'shop', 'order:o-2', ${stale} FROM outbox.subscriptions WHERE name = 'ordered-sink'`.execute(database.db);
    const env = operatorEnv(database, taskQueue);
    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout) as {
      orphanedLanes: { subscription: string; orderingKey: string; eventId: string; eventStatus: string }[];
    };
    expect(status.orphanedLanes).toEqual([
      { subscription: 'ordered-sink', tenant: 'shop', orderingKey: 'order:o-2', eventId: stale, eventStatus: 'delivered', waiting: 0 },
    ]);
    expect((await runCli(['status'], env)).stdout).toMatch(/ordered-sink shop\/order:o-2: event \d+ is delivered but still holds its lane place/);

    const relay = createTestRelay(database, temporal.client, taskQueue, { pollIntervalMs: 200 });
    relay.start();
    try {
      await enqueue(database.pool, { ...order('after-stale'), aggregateId: 'o-2' });
      await waitFor(() => arrived().includes('after-stale'), {
        what: 'the event behind the stale lane place to arrive',
        timeoutMs: 30_000,
        describe: async () => JSON.stringify(await laneStates()),
      });
    } finally {
      await relay.stop();
    }
    const after = JSON.parse((await runCli(['status', '--json'], env)).stdout) as { orphanedLanes: unknown[] };
    expect(after.orphanedLanes).toEqual([]);
  }, 60_000);

  it('the lane sweep gives up at once when the lane table is locked, so it never holds up the relay loop', async () => {
    // The sweep runs in the relay's loop: waiting on a lock up to the statement timeout (60 s)
    // would stop every dispatch meanwhile (it did: a CI run's relay claimed nothing for 60 s).
    const blocker = await database.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE outbox.ordered_deliveries IN EXCLUSIVE MODE');
      await expect(releaseOrphanedLanes(database.pool, temporal.client)).rejects.toMatchObject({ code: '55P03' });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
    await expect(releaseOrphanedLanes(database.pool, temporal.client)).resolves.toBeGreaterThanOrEqual(0);
  }, 20_000);
});
