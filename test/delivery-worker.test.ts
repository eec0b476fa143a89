// DeliveryWorker (src/worker/delivery-worker.ts): workflow threads without the SDK's per-call vm
// timeout, guarded per request instead. Against the run's Temporal server, with a bundle of
// two test workflows: normal work goes through the guarded thread, and a workflow stuck in a
// loop gets its thread stopped and the worker failed, with an error that says so.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DeliveryWorker, StuckWorkflowThreadError } from '../src/worker/delivery-worker.js';
import { connectTemporal, type TemporalHandles } from './helpers/engine-harness.js';

describe('DeliveryWorker', () => {
  let temporal: TemporalHandles;
  let connection: NativeConnection;
  let code: string;
  const limit = DeliveryWorker.activationLimitMs;
  beforeAll(async () => {
    temporal = await connectTemporal();
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    ({ code } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./fixtures/workflows/guard-workflows.ts', import.meta.url)),
      logger: new DefaultLogger('WARN'),
    }));
  }, 60_000);
  afterAll(async () => {
    DeliveryWorker.activationLimitMs = limit;
    await connection?.close();
    await temporal?.close();
  });

  it('runs workflows in a guarded thread, and stops a thread stuck in a loop: the worker fails with an error naming the cause', async () => {
    DeliveryWorker.activationLimitMs = 2_000;
    const taskQueue = `guard-${randomUUID()}`;
    const worker = await DeliveryWorker.create({ connection, taskQueue, workflowBundle: { code } });
    const running = worker.run().then(
      () => undefined,
      (error: unknown) => error,
    );

    // Normal work: answered through the guarded thread, no timer fires.
    await expect(temporal.client.workflow.execute('answer', { taskQueue, workflowId: `answer-${randomUUID()}` })).resolves.toBe(42);
    expect(worker.getState()).toBe('RUNNING');

    // A workflow that never yields: the guard stops its thread and the worker fails.
    await temporal.client.workflow.start('loopForever', { taskQueue, workflowId: `loop-${randomUUID()}` });
    const failure = await running;
    expect(failure).toBeInstanceOf(StuckWorkflowThreadError);
    expect((failure as Error).message).toMatch(/^a workflow thread did not answer a \S+ request within 2 s: it is stuck \(a loop in workflow code\?\)/);
    expect(worker.getState()).toBe('FAILED');
  }, 60_000);
});
