// A peer queue's consumer as its own process (so its CPU and memory can be measured): takes
// jobs and POSTs each to the sink, like this engine's webhook delivery.
//   node bench/peer-worker.mjs graphile-worker|pg-boss DATABASE_URL SINK_URL CONCURRENCY
import { Agent } from 'undici';

const [kind, databaseUrl, sinkUrl, concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText ?? 16);
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: concurrency * 2 });

async function post(payload) {
  const response = await fetch(sinkUrl, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', 'x-bench-id': payload.id },
    body: JSON.stringify(payload),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`sink answered ${response.status}`);
}

let stop;
if (kind === 'graphile-worker') {
  const { run } = await import('graphile-worker');
  const runner = await run({
    connectionString: databaseUrl,
    concurrency,
    maxPoolSize: concurrency + 2,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: undefined,
    taskList: { deliver: (payload) => post(payload) },
  });
  stop = () => runner.stop();
} else if (kind === 'pg-boss') {
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: databaseUrl, max: concurrency + 4 });
  boss.on('error', () => undefined);
  await boss.start();
  // pg-boss 10 has no per-worker concurrency: several workers, each fetching a batch.
  const workers = Math.max(1, Math.round(concurrency / 4));
  for (let index = 0; index < workers; index++) {
    await boss.work('deliver', { batchSize: 20, pollingIntervalSeconds: 0.5 }, (jobs) => Promise.all(jobs.map((job) => post(job.data))));
  }
  stop = () => boss.stop({ graceful: true, wait: true, timeout: 5_000 });
} else {
  console.error(`unknown peer ${kind}`);
  process.exit(2);
}
process.once('SIGTERM', () => void stop().finally(() => process.exit(0)));
