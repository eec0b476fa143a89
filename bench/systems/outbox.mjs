// This engine: outbox.enqueue in the app transaction; `outbox start` (relay + worker) against
// its own Temporal server: the CLI's dev server on a SQLite file (temporal: 'dev'), or
// bench/temporal-pg, a Temporal server whose persistence and visibility are PostgreSQL
// databases on the same PostgreSQL (temporal: 'postgres').
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addSubscription, generateWebhookSecret, migrate } from '../../dist/index.js';
import { freePort, startDevServer } from '../../dist/temporal/dev-server.js';
import { findTemporalCli } from '../../dist/temporal/find-temporal-cli.js';
import { createDatabase } from '../../dist/db/create-database.js';
import { stopChild } from '../measure.mjs';
import { startPostgresTemporal } from '../temporal-pg/server.mjs';

const BIN = fileURLToPath(new URL('../../bin/outbox.js', import.meta.url));

export const OUTBOX_SYSTEM_NAMES = { dev: 'outbox-temporal (dev server)', postgres: 'outbox-temporal (PostgreSQL-backed Temporal)' };

/** temporalDatabases: names of the two Temporal databases when temporal is 'postgres'. */
export async function createOutboxSystem({ databaseUrl, sinkUrl, engineEnv = {}, temporal: kind = 'dev', adminUrl, temporalDatabases }) {
  const workDir = await mkdtemp(join(tmpdir(), 'outbox-bench-'));
  const onProgress = (line) => console.error(`  ${line}`);
  let temporal;
  if (kind === 'postgres') {
    temporal = await startPostgresTemporal({ adminUrl, database: temporalDatabases[0], visibilityDatabase: temporalDatabases[1], onProgress });
  } else {
    const cli = await findTemporalCli({ onProgress });
    // BENCH_TEMPORAL_CONFIG='key=value,…': extra dynamic config for the dev server (e.g. matching.enableFairness=true).
    const dynamicConfig = Object.fromEntries(
      (process.env.BENCH_TEMPORAL_CONFIG ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const [key, value] = pair.split('=');
          return [key, value === 'true' ? true : value === 'false' ? false : Number.isNaN(Number(value)) ? value : Number(value)];
        }),
    );
    temporal = await startDevServer({ cliPath: cli.path, port: 0, headless: true, dbFile: join(workDir, 'temporal.db'), dynamicConfig });
  }
  // BENCH_OUTBOX_WORKERS=N: the relay in a process of its own and N worker processes (scale-out).
  const workers = Number(process.env.BENCH_OUTBOX_WORKERS ?? 0);
  let engine;
  let split = [];
  return {
    name: OUTBOX_SYSTEM_NAMES[kind],
    temporalDatabases: kind === 'postgres' ? temporalDatabases : [],
    async prepare() {
      const database = createDatabase({ connectionString: databaseUrl, max: 2 });
      await migrate(database.pool);
      await addSubscription(database.db, {
        name: 'bench-sink',
        events: '*',
        target: { kind: 'webhook', config: { url: sinkUrl, secret: generateWebhookSecret(), allowPrivateAddresses: true } },
      });
      await database.close();
    },
    async enqueue(client, id, payload) {
      await client.query("SELECT outbox.enqueue('bench', 'bench.event', $1::jsonb, $2)", [JSON.stringify(payload), id]);
    },
    async startConsumers() {
      const port = await freePort();
      // BENCH_ENGINE_NODE_FLAGS, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof', to profile the engine.
      const flags = (process.env.BENCH_ENGINE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
      const env = {
        ...process.env,
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: 'bench',
        OUTBOX_HTTP_PORT: String(port),
        LOG_LEVEL: 'warn',
        ...engineEnv,
      };
      const run = (...roles) => spawn(process.execPath, [...flags, BIN, 'start', '--no-http', ...roles], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      if (workers > 0) split = [run('--no-worker'), ...Array.from({ length: workers }, () => run('--no-relay'))];
      else engine = run();
    },
    stopConsumers: () => Promise.all([engine, ...split].map(stopChild)),
    temporalAddress: () => temporal.address,
    pids: () => [engine?.pid, ...split.map((child) => child.pid), temporal.process.pid].filter(Boolean),
    processNames: workers > 0 ? ['relay', ...Array.from({ length: workers }, (_, i) => `worker ${i + 1}`), 'Temporal server'] : ['engine', 'Temporal server'],
    async close() {
      await Promise.all([engine, ...split].map(stopChild));
      await temporal.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
