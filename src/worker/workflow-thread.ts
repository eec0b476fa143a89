// The entry of the engine's workflow threads: the SDK's own thread script
// (@temporalio/worker/lib/workflow/workflow-worker-thread.js), with its per-promise stack capture
// turned off. Why: to answer the `__stack_trace` query (the Temporal UI's "Stack Trace" tab),
// the SDK installs a V8 promise hook in each workflow thread that builds an Error, and formats
// and source-maps its stack, for every promise workflow code creates. On the delivery hot path
// that hook was 41 % of the workflow thread's CPU (--cpu-prof of the noisy-neighbour bench).
// Without it the SDK answers that query with its own "Workflow stack traces are not enabled on
// this worker", as it does where promise hooks do not exist; `outbox status`, the status query
// and the workflow's history say where a delivery is. OUTBOX_WORKFLOW_STACK_TRACES=on keeps
// the SDK's script (see DeliveryWorker). Loaded by path, as a worker thread: it exports nothing.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared.js') as { globalHandlers: { setPromiseHook: () => void } };
// The thread installs its handlers when the worker sends `init`; from then on no hook is made.
globalHandlers.setPromiseHook = () => undefined;
require('@temporalio/worker/lib/workflow/workflow-worker-thread.js');
