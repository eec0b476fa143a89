// Proves the test stack end to end before anything bigger: vitest forks + native Temporal worker
// + the run's dev server + a cloned database + the relay, delivering one event to a loopback sink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { enqueue } from '../src/outbox/enqueue.js';
import type { DeliverEventResult } from '../src/workflows/definitions.js';
import { connectTemporal, createTestRelay, startTestWorker, uniqueTaskQueue, type RunningWorker, type TemporalHandles } from './helpers/engine-harness.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('smoke: one event through relay, workflow and webhook', () => {
  let database: TestDatabase;
  let temporal: TemporalHandles;
  let worker: RunningWorker;
  let sink: WebhookSink;
  const taskQueue = uniqueTaskQueue('smoke');

  beforeAll(async () => {
    [database, temporal, sink] = await Promise.all([createTestDatabase(), connectTemporal(), new WebhookSink().start()]);
    worker = await startTestWorker(database, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([temporal?.close(), sink?.stop()]);
    await database?.drop();
  });

  it('delivers an enqueued event and completes its workflow', async () => {
    await addSubscription(database.db, {
      name: 'smoke',
      events: 'smoke.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
    await enqueue(database.pool, { tenant: 'acme', type: 'smoke.test', payload: { hello: 'world' }, idempotencyKey: 'smoke-1' });
    const relay = createTestRelay(database, temporal.client, taskQueue);
    relay.start();
    try {
      await waitFor(() => sink.requests.length === 1, { what: 'the sink to receive the event' });
      const result = (await temporal.client.workflow.getHandle(database.workflowId('acme', 'smoke-1')).result()) as DeliverEventResult;
      expect(result).toMatchObject({ status: 'Delivered', routes: [{ subscriptionName: 'smoke', state: 'delivered', attempts: 1, passes: 1 }] });
      expect(JSON.parse(sink.requests[0]?.body ?? '{}') as unknown).toMatchObject({
        type: 'smoke.test',
        data: { hello: 'world' },
        id: database.workflowId('acme', 'smoke-1'),
        idempotencyKey: 'smoke-1',
        tenant: 'acme',
      });
    } finally {
      await relay.stop();
    }
  });
});
