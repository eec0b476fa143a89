// A saga survives its worker being SIGKILLed mid-step and mid-compensation: the worker is a real
// `outbox start --no-relay` child process; the payment stub counts effects by idempotency key.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentSagaSetup, startPaymentStub, type PaymentStub } from '../examples/payment-saga/psp-stub.mjs';
import type { Relay } from '../src/outbox/relay.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { saveSaga } from '../src/sagas/saga-store.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import type { EventDeliveryStatus } from '../src/workflows/definitions.js';
import { connectTemporal, createTestRelay, uniqueTaskQueue, type TemporalHandles } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

describe('saga crash recovery', () => {
  let database: TestDatabase;
  let temporal: TemporalHandles;
  let relay: Relay;
  let stub: PaymentStub;
  let worker: ChildProcess | undefined;
  const taskQueue = uniqueTaskQueue('saga-crash');
  const secret = generateWebhookSecret();

  const startWorker = () => {
    worker = spawnCli(['start', '--no-relay', '--no-http'], operatorEnv(database, taskQueue));
    worker.stdout?.resume();
    worker.stderr?.resume();
  };
  const killWorker = async () => {
    const child = worker!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    [database, temporal] = await Promise.all([createTestDatabase(), connectTemporal()]);
    stub = await startPaymentStub({ secret });
    // A short timeout: a killed worker's activity is retried once it times out.
    const { subscriptions, saga } = paymentSagaSetup({ stubUrl: stub.url, secret, timeoutMs: 2_000, maximumAttempts: 10 });
    for (const subscription of subscriptions) await addSubscription(database.db, subscription);
    await saveSaga(database.db, saga);
    relay = createTestRelay(database, temporal.client, taskQueue);
    relay.start();
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) await killWorker();
    await relay?.stop();
    await stub?.stop();
    await temporal?.close();
    await database?.drop();
  });

  it('finishes correctly after SIGKILL during step 2 and during compensation 1, with no effect twice', async () => {
    stub.hold('/charge');
    stub.hold('/reserve/undo');
    startWorker();
    await enqueue(database.pool, { tenant: 'shop', type: 'payment.requested', payload: { amount: 7, failAt: 'provision' }, idempotencyKey: 'crash-1' });

    // The charge happened at the provider, but the worker dies before hearing the answer.
    await stub.arrived('/charge');
    await killWorker();
    startWorker();
    stub.release('/charge');

    // Compensating: the reservation's release happened, the worker dies before the answer.
    await stub.arrived('/reserve/undo');
    await killWorker();
    startWorker();
    stub.release('/reserve/undo');

    const result = (await temporal.client.workflow.getHandle(database.workflowId('shop', 'crash-1')).result()) as EventDeliveryStatus;
    expect(result.status).toBe('Compensated');
    expect(result.saga?.steps.map((step) => step.state)).toEqual(['compensated', 'compensated', 'failed']);
    // Each effect exactly once, although the interrupted calls were sent again.
    expect(stub.effectsFor('crash-1').map((effect) => effect.key)).toEqual([
      'crash-1:reserve',
      'crash-1:charge',
      'crash-1:charge:compensate',
      'crash-1:reserve:compensate',
    ]);
    expect(stub.requests['/charge']).toBeGreaterThanOrEqual(2);
    expect(stub.requests['/reserve/undo']).toBeGreaterThanOrEqual(2);
    const row = await database.db.selectFrom('outbox.events').select('status').where('idempotency_key', '=', 'crash-1').executeTakeFirstOrThrow();
    expect(row.status).toBe('compensated');
  });
});
