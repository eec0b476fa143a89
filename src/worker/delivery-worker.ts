// The Temporal worker class the engine runs: the SDK's, with one change to how a stuck
// workflow is caught. Why: the SDK bounds every call into the workflow sandbox with Node's vm
// `timeout` (5 s), and Node enforces each such timeout by starting and joining a thread of its
// own (nodejs/node#47739: about 85 µs a call here, against 1.5 µs without). The SDK enters the
// sandbox about five times per activation, so on the delivery hot path those threads were a
// quarter of the workflow thread's time (--cpu-prof of `npm run bench`). This class turns the
// per-call timeout off and bounds each request to a workflow thread instead, with one timer:
// a request unanswered after ACTIVATION_LIMIT_MS means the thread is stuck (a loop in workflow
// code), and the thread is stopped, which fails the worker and so stops the engine, as the
// SDK's own timeout would have failed the workflow task, rather than hang it.
import { Worker, type Logger } from '@temporalio/worker';
import type { CompiledWorkerOptions } from '@temporalio/worker/lib/worker-options.js';
import type { WorkflowCreator } from '@temporalio/worker/lib/workflow/interface.js';
import { ThreadedVMWorkflowCreator, WorkerThreadClient } from '@temporalio/worker/lib/workflow/threaded-vm.js';
import type { WorkflowBundleWithSourceMapAndFilename } from '@temporalio/worker/lib/workflow/workflow-worker-thread/input.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker as NodeWorker } from 'node:worker_threads';

/**
 * The workflow threads' entry without the SDK's per-promise stack capture (see workflow-thread.ts):
 * beside this file once built; from the sources (tests), the built one, as a thread cannot load TypeScript.
 */
const THREAD_WITHOUT_STACK_TRACES = existsSync(fileURLToPath(new URL('./workflow-thread.js', import.meta.url)))
  ? new URL('./workflow-thread.js', import.meta.url)
  : new URL('../../dist/worker/workflow-thread.js', import.meta.url);

/** How long one request to a workflow thread (an activation, a creation) may take before the thread counts as stuck. */
export const ACTIVATION_LIMIT_MS = 10_000;

/** The parts of the SDK's thread client the guard uses (internal to @temporalio/worker 1.24; checked at start). */
interface ThreadClient {
  workerThread: NodeWorker;
  send(input: { type: string }): Promise<unknown>;
}

/** Thrown by run() when the guard stopped a stuck workflow thread. */
export class StuckWorkflowThreadError extends Error {
  override readonly name = 'StuckWorkflowThreadError';
}

/** What a guarded creator records when it stops a thread. */
interface Guard {
  stuck?: StuckWorkflowThreadError;
}

const guards = new WeakMap<object, Guard>();

function threadClientsOf(creator: unknown): ThreadClient[] | undefined {
  if (!(creator instanceof ThreadedVMWorkflowCreator)) return undefined;
  const clients = (creator as unknown as { workerThreadClients?: unknown }).workerThreadClients;
  if (!Array.isArray(clients) || clients.length === 0) return undefined;
  const usable = clients.every((client: Partial<ThreadClient>) => typeof client.send === 'function' && typeof client.workerThread?.terminate === 'function');
  return usable ? (clients as ThreadClient[]) : undefined;
}

/** Wraps each thread client's send with one timer per request; init and destroy are left alone. */
function guardThreads(clients: ThreadClient[], guard: Guard, limitMs: number): void {
  for (const client of clients) {
    const send = client.send.bind(client);
    client.send = (input) => {
      const reply = send(input);
      if (input.type === 'init' || input.type === 'destroy') return reply;
      const timer = setTimeout(() => {
        if (guard.stuck) return;
        guard.stuck = new StuckWorkflowThreadError(
          `a workflow thread did not answer a ${input.type} request within ${limitMs / 1000} s: it is stuck (a loop in workflow code?); ` +
            'the thread was stopped, which fails this worker (the engine stops, for its supervisor to restart it)',
        );
        // The SDK fails the worker when its thread exits (so the engine stops); run() says why.
        void client.workerThread.terminate();
      }, limitMs);
      return reply.finally(() => clearTimeout(timer));
    };
  }
}

/**
 * ThreadedVMWorkflowCreator.create of @temporalio/worker 1.24, with the threads started from
 * workflow-thread.ts instead of the SDK's script (the one difference).
 */
async function createThreadsWithoutStackTraces(
  bundle: WorkflowBundleWithSourceMapAndFilename,
  options: CompiledWorkerOptions,
  logger: Logger,
): Promise<ThreadedVMWorkflowCreator> {
  const clients = Array.from(
    { length: options.workflowThreadPoolSize },
    () => new WorkerThreadClient(new NodeWorker(THREAD_WITHOUT_STACK_TRACES), logger, options.patchActivationCallback),
  );
  await Promise.all(
    clients.map((client) =>
      client.send({
        type: 'init',
        workflowBundle: bundle,
        isolateExecutionTimeoutMs: options.isolateExecutionTimeoutMs,
        reuseV8Context: options.reuseV8Context ?? true,
        registeredActivityNames: new Set(options.activities.keys()),
        hasPatchActivationCallback: options.patchActivationCallback !== undefined,
      }),
    ),
  );
  return new ThreadedVMWorkflowCreator(clients);
}

/**
 * The SDK's Worker whose workflow threads run without a per-call vm timeout and are guarded per
 * request instead (see the note at the top of this file). Anything it cannot guard (debug mode,
 * no threads, an SDK whose internals changed) keeps the SDK's own timeout.
 *
 * @example
 * const worker = await DeliveryWorker.create({ connection, taskQueue, workflowBundle, activities });
 * await worker.run(); // rejects with StuckWorkflowThreadError if a workflow thread got stuck
 */
export class DeliveryWorker extends Worker {
  /** Overridable in tests, to see the guard act without waiting ten seconds. */
  static activationLimitMs = ACTIVATION_LIMIT_MS;
  /** Whether workflow threads keep the SDK's per-promise stack capture (OUTBOX_WORKFLOW_STACK_TRACES; see workflow-thread.ts). */
  static workflowStackTraces = false;

  protected static override async createWorkflowCreator(
    bundle: WorkflowBundleWithSourceMapAndFilename,
    options: CompiledWorkerOptions,
    logger: Logger,
  ): Promise<WorkflowCreator> {
    const sdkDefault = () => super.createWorkflowCreator(bundle, options, logger);
    if (options.debugMode || options.workflowThreadPoolSize < 1) return sdkDefault();
    // undefined reaches the thread's vm calls as "no timeout" (node:vm treats a missing timeout so).
    const untimed = { ...options, isolateExecutionTimeoutMs: undefined as unknown as number };
    const creator = this.workflowStackTraces
      ? await super.createWorkflowCreator(bundle, untimed, logger)
      : await createThreadsWithoutStackTraces(bundle, untimed, logger);
    const clients = threadClientsOf(creator);
    if (!clients) {
      await creator.destroy();
      logger.warn('workflow threads not guarded: this SDK version differs from the one DeliveryWorker was written for; keeping its per-call timeout');
      return sdkDefault();
    }
    const guard: Guard = {};
    guardThreads(clients, guard, this.activationLimitMs);
    guards.set(creator, guard);
    return creator;
  }

  /** Runs until shut down; rejects with StuckWorkflowThreadError (the SDK's failure as its cause) after the guard stopped a thread. */
  override async run(): Promise<void> {
    const guard = this.workflowCreator ? guards.get(this.workflowCreator) : undefined;
    try {
      await super.run();
    } catch (error) {
      // The SDK fails the worker when a workflow thread exits; say why it exited.
      if (guard?.stuck) throw new StuckWorkflowThreadError(guard.stuck.message, { cause: error });
      throw error;
    }
  }
}
