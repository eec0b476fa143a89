// pg-boss: boss.send with the app transaction's client; a worker process POSTs each job.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import PgBoss from 'pg-boss';
import { stopChild } from '../measure.mjs';

const PEER = fileURLToPath(new URL('../peer-worker.mjs', import.meta.url));

export async function createPgBossSystem({ databaseUrl, sinkUrl, concurrency }) {
  // Used only to build the INSERT inside the app's transaction (send with `db`).
  const boss = new PgBoss({ connectionString: databaseUrl, supervise: false, schedule: false, max: 2 });
  boss.on('error', () => undefined);
  let worker;
  return {
    name: 'pg-boss',
    async prepare() {
      await boss.start();
      await boss.createQueue('deliver');
    },
    async enqueue(client, id, payload) {
      await boss.send('deliver', { ...payload, id }, { db: { executeSql: (text, values) => client.query(text, values) } });
    },
    async startConsumers() {
      worker = spawn(process.execPath, [PEER, 'pg-boss', databaseUrl, sinkUrl, String(concurrency)], { stdio: ['ignore', 'ignore', 'inherit'] });
    },
    stopConsumers: () => stopChild(worker),
    pids: () => [worker?.pid].filter(Boolean),
    processNames: ['worker'],
    async close() {
      await stopChild(worker);
      await boss.stop({ graceful: false, wait: true });
    },
  };
}
