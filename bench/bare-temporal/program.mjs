// The bench's "bare Temporal" reference: the leanest one-workflow-per-event outbox relay on the
// same Temporal server, sink and backlog as the engine, with no features. It is the floor the
// engine's per-event cost is measured against (issue 15), not a tuned copy of the engine:
//   - a loop claims up to 200 committed rows (FOR UPDATE SKIP LOCKED), starts one workflow per
//     event (workflow id = the event's key, 64 starts in flight), marks them dispatched, commits;
//     it wakes on NOTIFY (the table's statement trigger) and polls every second as a fallback;
//   - the workflow has one step: a local activity that POSTs the event to the sink and runs one
//     UPDATE marking it delivered.
// Relay and worker share this one process, so its CPU and memory are measured together.
//   node bench/bare-temporal/program.mjs DATABASE_URL TEMPORAL_ADDRESS SINK_URL
import { fileURLToPath } from 'node:url';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pLimit from 'p-limit';
import pg from 'pg';
import { Agent } from 'undici';

const [databaseUrl, address, sinkUrl] = process.argv.slice(2);
const TASK_QUEUE = 'bare-temporal';
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
pool.on('error', () => undefined);
Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message) => console.error(message) } });

const activities = {
  async deliver({ id, key, payload }) {
    const response = await fetch(sinkUrl, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', 'x-bench-id': key },
      body: JSON.stringify(payload),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`sink answered ${response.status}`);
    await pool.query("UPDATE bare_events SET status = 'delivered' WHERE id = $1", [id]);
  },
};

const worker = await Worker.create({
  connection: await NativeConnection.connect({ address }),
  taskQueue: TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./workflow.mjs', import.meta.url)),
  activities,
});
const client = new Client({ connection: await Connection.connect({ address }) });
const limit = pLimit(64);
let stopping = false;
let wake;

async function dispatchBatch() {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const { rows } = await db.query("SELECT id, key, payload FROM bare_events WHERE status = 'pending' ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED");
    const started = [];
    await Promise.all(
      rows.map((row) =>
        limit(async () => {
          try {
            await client.workflow.start('bareDeliver', { taskQueue: TASK_QUEUE, workflowId: row.key, args: [row] });
          } catch (error) {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) return;
          }
          started.push(row.id);
        }),
      ),
    );
    await db.query("UPDATE bare_events SET status = 'dispatched' WHERE id = ANY($1::bigint[])", [started]);
    await db.query('COMMIT');
    return rows.length;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}

const listener = new pg.Client({ connectionString: databaseUrl });
await listener.connect();
listener.on('notification', () => wake?.());
await listener.query('LISTEN bare_events');

const relay = (async () => {
  while (!stopping) {
    const claimed = await dispatchBatch().catch((error) => (console.error(error.message), 0));
    if (claimed === 200) continue;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      wake = () => (clearTimeout(timer), resolve());
    });
  }
})();

process.once('SIGTERM', () => {
  stopping = true;
  wake?.();
  worker.shutdown();
});
await worker.run();
await relay;
await listener.end();
await pool.end();
process.exit(0);
