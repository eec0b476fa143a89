// Saga routes against real PostgreSQL, the run's Temporal dev server and the example payment
// provider stub (loopback HTTP, idempotent by webhook-id like a real provider).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentSagaSetup, startPaymentStub, type PaymentStub } from '../examples/payment-saga/psp-stub.mjs';
import { enqueue } from '../src/outbox/enqueue.js';
import { saveSaga } from '../src/sagas/saga-store.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { statusQuery, type EventDeliveryStatus } from '../src/workflows/definitions.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/histories/', import.meta.url));

describe('saga routes', () => {
  let engine: TestEngine;
  let stub: PaymentStub;
  let env: Record<string, string>;
  const secret = generateWebhookSecret();

  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'saga' });
    stub = await startPaymentStub({ secret });
    env = operatorEnv(engine.database, engine.taskQueue);
    const { subscriptions, saga } = paymentSagaSetup({ stubUrl: stub.url, secret, maximumAttempts: 2 });
    for (const subscription of subscriptions) await addSubscription(engine.database.db, subscription);
    await saveSaga(engine.database.db, saga);
  });
  afterAll(async () => {
    await stub?.stop();
    await engine?.stop();
  });

  const pay = (key: string, data: Record<string, unknown> = {}) =>
    enqueue(engine.database.pool, { tenant: 'shop', type: 'payment.requested', payload: { amount: 42, ...data }, idempotencyKey: key });
  const eventStatus = async (key: string) =>
    (await engine.database.db.selectFrom('outbox.events').select('status').where('idempotency_key', '=', key).executeTakeFirstOrThrow()).status;
  const record = async (name: string, key: string) => {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const handle = engine.handle('shop', key);
    const history = await handle.fetchHistory();
    await writeFile(
      `${FIXTURES}saga-${name}.json`,
      `${JSON.stringify({ workflowId: handle.workflowId, history: JSON.parse(historyToJSON(history)) as unknown }, null, 1)}\n`,
    );
  };

  it('runs three steps in order, passing each answer on, with no compensation', async () => {
    await pay('pay-ok');
    const result = await engine.result<EventDeliveryStatus>('shop', 'pay-ok');
    expect(result.status).toBe('Delivered');
    expect(result.saga?.steps.map((step) => [step.name, step.state])).toEqual([
      ['reserve', 'completed'],
      ['charge', 'completed'],
      ['provision', 'completed'],
    ]);
    expect(stub.effectsFor('pay-ok').map((effect) => effect.key)).toEqual(['pay-ok:reserve', 'pay-ok:charge', 'pay-ok:provision']);
    const results = await engine.database.db.selectFrom('outbox.saga_step_results').select(['step', 'result']).orderBy('recorded_at').execute();
    expect(results.filter((row) => ['reserve', 'charge', 'provision'].includes(row.step))).toContainEqual({
      step: 'charge',
      result: { chargeId: 'ch_pay-ok:charge' },
    });
    expect(await eventStatus('pay-ok')).toBe('delivered');
  });

  it('compensates the completed steps in reverse, each once, when step 3 fails for good', async () => {
    await pay('pay-refused', { failAt: 'provision' });
    const result = await engine.result<EventDeliveryStatus>('shop', 'pay-refused');
    expect(result.status).toBe('Compensated');
    expect(result.saga?.failedStep).toBe('provision');
    expect(result.saga?.steps.map((step) => step.state)).toEqual(['compensated', 'compensated', 'failed']);
    // Charge undone first, then the reservation; each compensation saw its step's answer.
    expect(stub.effectsFor('pay-refused').map((effect) => [effect.key, effect.result])).toEqual([
      ['pay-refused:reserve', { reservationId: 'res_pay-refused:reserve' }],
      ['pay-refused:charge', { chargeId: 'ch_pay-refused:charge' }],
      ['pay-refused:charge:compensate', { refunded: 'ch_pay-refused:charge' }],
      ['pay-refused:reserve:compensate', { released: 'res_pay-refused:reserve' }],
    ]);
    expect(await eventStatus('pay-refused')).toBe('compensated');
    const listed = await runCli(['temporal', '--', 'workflow', 'list', '--query', 'OutboxStatus = "Compensated" AND OutboxTenant = "shop"'], env);
    expect(listed.stdout).toContain(engine.database.workflowId('shop', 'pay-refused'));
    await record('compensated', 'pay-refused');
  });

  it('dead-letters a compensation that keeps failing, waits, and completes after an operator retry', async () => {
    stub.fail('/charge/undo', 500);
    await pay('pay-stuck', { failAt: 'provision' });
    const handle = engine.handle('shop', 'pay-stuck');
    const waiting = await waitFor(
      async () => {
        const status = await handle.query(statusQuery);
        return status.status === 'CompensationFailed' ? status : undefined;
      },
      { what: 'the charge compensation to be dead-lettered' },
    );
    expect(waiting.saga?.steps.map((step) => step.state)).toEqual(['completed', 'compensation_dead_lettered', 'failed']);
    // Reverse order holds: the reservation is not released while the refund is stuck.
    expect(stub.effectsFor('pay-stuck').map((effect) => effect.key)).toEqual(['pay-stuck:reserve', 'pay-stuck:charge']);
    const deadLetter = await engine.database.db
      .selectFrom('outbox.dead_letters')
      .selectAll()
      .where('workflow_id', '=', handle.workflowId)
      .executeTakeFirstOrThrow();
    expect(deadLetter).toMatchObject({
      subscription_name: 'psp-charge-undo',
      saga_step: 'charge:compensate',
      attempts: 2,
      last_status_code: 500,
      resolved_at: null,
    });
    expect(await eventStatus('pay-stuck')).toBe('dead_lettered');
    const listed = await runCli(['temporal', '--', 'workflow', 'list', '--query', 'OutboxStatus = "CompensationFailed"'], env);
    expect(listed.stdout).toContain(engine.database.workflowId('shop', 'pay-stuck'));

    stub.recover('/charge/undo');
    const signalled = await runCli(['temporal', '--', 'workflow', 'signal', '--workflow-id', handle.workflowId, '--name', 'retry'], env);
    expect(signalled.code, signalled.stderr).toBe(0);
    const result = (await handle.result()) as EventDeliveryStatus;
    expect(result.status).toBe('Compensated');
    expect(result.saga?.steps[1]).toMatchObject({ state: 'compensated', compensationPasses: 2 });
    expect(stub.effectsFor('pay-stuck').map((effect) => effect.key)).toEqual([
      'pay-stuck:reserve',
      'pay-stuck:charge',
      'pay-stuck:charge:compensate',
      'pay-stuck:reserve:compensate',
    ]);
    const resolved = await engine.database.db.selectFrom('outbox.dead_letters').select('resolution').where('id', '=', deadLetter.id).executeTakeFirstOrThrow();
    expect(resolved.resolution).toBe('retried');
    expect(await eventStatus('pay-stuck')).toBe('compensated');
    await record('compensation-retried', 'pay-stuck');
  });

  it('`outbox sagas add|list|remove` validates steps against subscriptions and writes nothing on error', async () => {
    const refused = await runCli(['sagas', 'add', '--name', 'broken', '--events', 'order.placed', '--step', 'a=psp-reserve/no-such-sub'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('steps.0.compensation: no subscription named "no-such-sub"');
    const malformed = await runCli(['sagas', 'add', '--name', 'broken', '--events', 'order.placed', '--step', 'just-a-name'], env);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('--step 1');
    const twice = await runCli(['sagas', 'add', '--name', 'broken', '--events', 'order.placed', '--step', 'a=psp-reserve', '--step', 'a=psp-charge'], env);
    expect(twice.stderr).toContain('step name "a" is used twice');
    expect(await engine.database.db.selectFrom('outbox.sagas').select('name').where('name', '=', 'broken').execute()).toEqual([]);

    const added = await runCli(
      ['sagas', 'add', '--name', 'orders', '--events', 'order.placed', '--step', 'hold=psp-reserve/psp-reserve-undo', '--step', 'bill=psp-charge'],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const listed = await runCli(['sagas', 'list'], env);
    expect(listed.stdout).toMatch(/orders\s+\*\s+order\.placed\s+hold→psp-reserve \(undo: psp-reserve-undo\), bill→psp-charge/);
    expect(listed.stdout).toContain('payment');
    expect((await runCli(['sagas', 'remove', 'orders'], env)).code).toBe(0);
    expect((await runCli(['sagas', 'remove', 'orders'], env)).code).toBe(1);
  });
});
