// graphile-worker: graphile_worker.add_job in the app transaction; a worker process POSTs each job.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runMigrations } from 'graphile-worker';
import pg from 'pg';
import { stopChild } from '../measure.mjs';

const PEER = fileURLToPath(new URL('../peer-worker.mjs', import.meta.url));

export async function createGraphileWorkerSystem({ databaseUrl, sinkUrl, concurrency }) {
  let worker;
  return {
    name: 'graphile-worker',
    async prepare() {
      // Our own pool, ended here: no idle client left behind when the database is dropped.
      const pgPool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      pgPool.on('error', () => undefined);
      await runMigrations({ pgPool });
      await pgPool.end();
    },
    async enqueue(client, id, payload) {
      await client.query("SELECT graphile_worker.add_job('deliver', $1::json)", [JSON.stringify({ ...payload, id })]);
    },
    async startConsumers() {
      worker = spawn(process.execPath, [PEER, 'graphile-worker', databaseUrl, sinkUrl, String(concurrency)], { stdio: ['ignore', 'ignore', 'inherit'] });
    },
    stopConsumers: () => stopChild(worker),
    pids: () => [worker?.pid].filter(Boolean),
    processNames: ['worker'],
    async close() {
      await stopChild(worker);
    },
  };
}
