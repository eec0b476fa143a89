// `outbox verify`: every committed event accounted for, against real PostgreSQL and Temporal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import type { Relay } from '../src/outbox/relay.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { freePort } from '../src/temporal/dev-server.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { connectTemporal, createTestRelay, startTestWorker, uniqueTaskQueue, type RunningWorker, type TemporalHandles } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('outbox verify', () => {
  let database: TestDatabase;
  let temporal: TemporalHandles;
  let worker: RunningWorker;
  let relay: Relay | undefined;
  let sink: WebhookSink;
  const taskQueue = uniqueTaskQueue('verify');
  let env: Record<string, string>;

  beforeAll(async () => {
    [database, temporal, sink] = await Promise.all([createTestDatabase(), connectTemporal(), new WebhookSink().start()]);
    worker = await startTestWorker(database, taskQueue);
    env = operatorEnv(database, taskQueue);
    await addSubscription(database.db, { name: 'ok', events: 'ok.*', target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } } });
    await addSubscription(database.db, {
      name: 'down',
      events: 'stuck.*',
      target: { kind: 'webhook', config: { url: `http://127.0.0.1:${await freePort()}/hook`, secret: generateWebhookSecret() } },
      retryPolicy: { maximumAttempts: 1 },
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await worker?.stop();
    await Promise.all([temporal?.close(), sink?.stop()]);
    await database?.drop();
  });

  it('names an event left pending too long (no relay running), and exits non-zero', async () => {
    const eventId = await enqueue(database.pool, { tenant: 'v', type: 'ok.early', payload: {}, idempotencyKey: 'early-1' });
    const result = await runCli(['verify', '--since', '1h', '--pending-grace', '1ms'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^event ${eventId} \\(v/early-1, ok.early, pending\\): pending for \\d+s: is a relay running\\?$`, 'm'));
  });

  it('does not name an event held for an open circuit breaker: it waits on purpose', async () => {
    const eventId = await enqueue(database.pool, { tenant: 'v', type: 'stuck.held', payload: {}, idempotencyKey: 'held-1' });
    await database.pool.query(`UPDATE outbox.events SET held_for = ARRAY['webhook: down'] WHERE id = $1`, [eventId]);
    const result = await runCli(['verify', '--since', '1h', '--pending-grace', '1ms'], env);
    expect(result.stdout).toContain('early-1');
    expect(result.stdout).not.toContain('held-1');
    // Let it go for the tests below: they expect every event delivered or in flight.
    await database.pool.query('DELETE FROM outbox.events WHERE id = $1', [eventId]);
  });

  it('exits 0 when every event is delivered or in flight with a live workflow', async () => {
    relay = createTestRelay(database, temporal.client, taskQueue);
    relay.start();
    for (let i = 0; i < 10; i += 1) await enqueue(database.pool, { tenant: 'v', type: 'ok.event', payload: { i }, idempotencyKey: `ok-${i}` });
    await enqueue(database.pool, { tenant: 'v', type: 'stuck.event', payload: {}, idempotencyKey: 'stuck-1' });
    await waitFor(async () => (await countEventsByStatus(database.db, { tenant: 'v' })).delivered === 11, { what: '11 deliveries' });
    await waitFor(async () => (await temporal.client.workflow.getHandle(database.workflowId('v', 'stuck-1')).query(statusQuery)).status === 'DeadLettered', {
      what: 'the stuck event to be dead-lettered',
    });
    const result = await runCli(['verify', '--since', '1h'], env);
    expect(result.stdout).toBe(
      'checked 12 event(s) since ' +
        /since (\S+):/.exec(result.stdout)![1] +
        ': 11 delivered, 0 discarded, 0 expired, 0 in flight, 1 dead-lettered, 0 pending; all accounted for\n',
    );
    expect(result.code).toBe(0);
  });

  it('after a workflow is deleted behind its back, names the event and exits non-zero', async () => {
    const [stuck] = await database.db.selectFrom('outbox.events').select('id').where('idempotency_key', '=', 'stuck-1').execute();
    const deleted = await runCli(['temporal', '--', 'workflow', 'delete', '--workflow-id', database.workflowId('v', 'stuck-1')], env);
    expect(deleted.code).toBe(0);
    const result = await waitFor(
      async () => {
        const run = await runCli(['verify', '--since', '1h'], env);
        return run.code === 1 ? run : undefined;
      },
      { what: 'verify to notice the deleted workflow' },
    );
    expect(result.stdout).toContain(
      `event ${stuck!.id} (v/stuck-1, stuck.event, dead_lettered): its workflow ${database.workflowId('v', 'stuck-1')} does not exist in Temporal`,
    );
    expect(result.stdout).toMatch(/1 not accounted for\n$/);
    const json = JSON.parse((await runCli(['verify', '--since', '1h', '--json'], env)).stdout) as { problems: { eventId: string }[] };
    expect(json.problems.map((problem) => problem.eventId)).toEqual([stuck!.id]);
  });
});
