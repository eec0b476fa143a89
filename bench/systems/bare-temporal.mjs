// The "bare Temporal" reference rows: bench/bare-temporal/program.mjs (the leanest
// one-workflow-per-event relay) against its own Temporal server, started exactly as the engine's:
// the dev server (SQLite file, WAL), or bench/temporal-pg on PostgreSQL databases of its own
// (temporal: 'postgres', the production shape's reference), with the same sink and backlog.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startDevServer } from '../../dist/temporal/dev-server.js';
import { findTemporalCli } from '../../dist/temporal/find-temporal-cli.js';
import { stopChild } from '../measure.mjs';
import { startPostgresTemporal } from '../temporal-pg/server.mjs';

const PROGRAM = fileURLToPath(new URL('../bare-temporal/program.mjs', import.meta.url));
export const BARE_TEMPORAL_NAME = 'bare Temporal (reference)';
export const BARE_TEMPORAL_PG_NAME = 'bare Temporal (reference, PostgreSQL-backed)';

/** temporalDatabases: names of the two Temporal databases when temporal is 'postgres'. */
export async function createBareTemporalSystem({ databaseUrl, sinkUrl, temporal: kind = 'dev', adminUrl, temporalDatabases }) {
  const workDir = await mkdtemp(join(tmpdir(), 'bare-temporal-bench-'));
  const onProgress = (line) => console.error(`  ${line}`);
  let temporal;
  if (kind === 'postgres') {
    temporal = await startPostgresTemporal({ adminUrl, database: temporalDatabases[0], visibilityDatabase: temporalDatabases[1], onProgress });
    temporal.pid = temporal.process.pid;
  } else {
    const cli = await findTemporalCli({ onProgress });
    temporal = await startDevServer({ cliPath: cli.path, port: 0, headless: true, dbFile: join(workDir, 'temporal.db') });
  }
  let program;
  return {
    name: kind === 'postgres' ? BARE_TEMPORAL_PG_NAME : BARE_TEMPORAL_NAME,
    temporalDatabases: kind === 'postgres' ? temporalDatabases : [],
    async prepare() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`
        CREATE TABLE bare_events (id bigserial PRIMARY KEY, key text NOT NULL UNIQUE, payload jsonb NOT NULL, status text NOT NULL DEFAULT 'pending');
        CREATE INDEX bare_events_pending ON bare_events (id) WHERE status = 'pending';
        CREATE FUNCTION bare_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('bare_events', ''); RETURN NULL; END $$;
        CREATE TRIGGER bare_events_notify AFTER INSERT ON bare_events FOR EACH STATEMENT EXECUTE FUNCTION bare_events_notify();`);
      await client.end();
    },
    async enqueue(client, id, payload) {
      await client.query('INSERT INTO bare_events (key, payload) VALUES ($1, $2::jsonb)', [id, JSON.stringify(payload)]);
    },
    async startConsumers() {
      const flags = (process.env.BENCH_ENGINE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
      program = spawn(process.execPath, [...flags, PROGRAM, databaseUrl, temporal.address, sinkUrl], { stdio: ['ignore', 'ignore', 'inherit'] });
    },
    stopConsumers: () => stopChild(program),
    pids: () => [program?.pid, temporal.pid].filter(Boolean),
    processNames: ['program', 'Temporal server'],
    async close() {
      await stopChild(program);
      await temporal.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
