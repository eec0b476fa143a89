// DeliveryWorker (src/worker/delivery-worker.ts): workflow threads without the SDK's per-call vm
// timeout, guarded per request instead. Against the run's Temporal server, with a bundle of
// two test workflows: normal work goes through the guarded thread, and a workflow stuck in a
// loop gets its thread stopped and the worker failed, with an error that says so. The threads
// run without the SDK's per-promise stack capture unless OUTBOX_WORKFLOW_STACK_TRACES asks for it.
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

  it("answers the Temporal UI's stack-trace query only when stack traces are kept (OUTBOX_WORKFLOW_STACK_TRACES=on)", async () => {
    class WithStackTraces extends DeliveryWorker {
      static override workflowStackTraces = true;
    }
    for (const [WorkerClass, kept] of [
      [DeliveryWorker, false],
      [WithStackTraces, true],
    ] as const) {
      const taskQueue = `stack-${randomUUID()}`;
      const worker = await WorkerClass.create({ connection, taskQueue, workflowBundle: { code } });
      await worker.runUntil(async () => {
        const handle = await temporal.client.workflow.start('waitForever', { taskQueue, workflowId: `wait-${randomUUID()}` });
        await expect(temporal.client.workflow.execute('answer', { taskQueue, workflowId: `answer-${randomUUID()}` })).resolves.toBe(42);
        const query = handle.query<string>('__stack_trace');
        if (kept) await expect(query).resolves.toContain('waitForever');
        else await expect(query).rejects.toThrow('Workflow stack traces are not enabled on this worker');
        await handle.terminate();
      });
    }
  }, 60_000);
});
