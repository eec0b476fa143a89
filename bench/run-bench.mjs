#!/usr/bin/env node
// npm run bench [-- --quick] [--backlog 20000] [--loads 100,500,1000] [--duration 20s] [--systems outbox,graphile-worker,pg-boss]
//                [--temporal dev|postgres|both]   (node bench/run-bench.mjs --help)
//
// One run drives the same workload through this engine, graphile-worker and pg-boss, each on
// its own fresh database on the same PostgreSQL, delivering by HTTP POST to the same loopback
// sink: enqueue cost in the app's transaction (8 writers, a business row + an event each),
// drain rate of a pre-filled backlog, end-to-end lag at steady offered loads, CPU and memory of
// each system's processes and of PostgreSQL per database, and this engine's relay claim cost
// with 0 vs many delivered rows. This engine runs against the Temporal CLI's dev server (SQLite)
// by default; --temporal postgres runs it against bench/temporal-pg, a Temporal server on
// PostgreSQL databases of its own, and --temporal both runs the two side by side.
// Prints a table and writes bench/results/<date>.json. Figures are compared within the run.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import pg from 'pg';
import { machineBusySeconds, percentile, sleep, watchPostgres, watchProcesses } from './measure.mjs';
import { startSink } from './sink.mjs';
import { createGraphileWorkerSystem } from './systems/graphile-worker.mjs';
import { createOutboxSystem } from './systems/outbox.mjs';
import { createPgBossSystem } from './systems/pg-boss.mjs';
import { BARE_TEMPORAL_NAME, BARE_TEMPORAL_PG_NAME, createBareTemporalSystem } from './systems/bare-temporal.mjs';
import { OUTBOX_SYSTEM_NAMES } from './systems/outbox.mjs';
import { ensurePgStatStatements } from './pg-stat-statements.mjs';
import { measureClaimCost } from './claim-cost.mjs';
import { formatActions, measureActionsPerEvent } from './actions-per-event.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
if (args.includes('--help') || args.includes('-h')) {
  console.log(`node bench/run-bench.mjs [options]   (npm run bench -- [options] builds dist/ first)

  --quick                 small profile: backlog 800, loads 25,50,100, 6 s each, 100 000 delivered rows
  --backlog N             events enqueued before the consumers start, then drained (20000)
  --loads A,B,C           offered loads in events/s, tried in order until one is not sustained (100,500,1000)
  --duration Ns           seconds per offered load (20s)
  --delivered-rows N      delivered rows for the relay claim-cost measurement (1000000)
  --systems a,b,c         outbox, outbox-pg, bare-temporal, bare-temporal-pg, graphile-worker, pg-boss
                          (outbox,bare-temporal,graphile-worker,pg-boss); bare-temporal is the
                          reference: the leanest one-workflow-per-event relay on the same kind of
                          Temporal dev server (bench/bare-temporal/program.mjs)
  --scenario NAME         standard (the comparison below, default) or noisy-neighbour: tenant B
                          trickles 5/s alone, then while tenant A floods a 2 s endpoint and one
                          that times out (--flood 5000 --trickle-seconds 60 --alone-seconds 60
                          --after-seconds 15)
  --no-actions            skip the Actions-per-event table (bench/actions-per-event.mjs, about 30 s)
  --temporal KIND         which Temporal server "outbox" and "bare-temporal" run against: dev (the
                          CLI's dev server on SQLite, default), postgres (bench/temporal-pg:
                          Temporal on PostgreSQL, built with Go on first use), both (two rows
                          each, every engine row compared with the reference on its own server)

  SQL per delivery comes from pg_stat_statements. When PostgreSQL does not preload it and runs on
  this machine with a superuser role, the bench adds it (ALTER SYSTEM) and restarts the cluster
  once (pg_ctlcluster or pg_ctl), saying so; otherwise the row says why it is n/a.

  DATABASE_URL            admin connection (postgres://postgres@127.0.0.1:5432/postgres); every
                          system gets fresh databases on that server, dropped afterwards
  TEMPORAL_PG             a prebuilt bench/temporal-pg binary (else built into ~/.cache/outbox/temporal-pg)
  BENCH_ENGINE_NODE_FLAGS Node flags for the engine process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  BENCH_OUTBOX_WORKERS=N  run this engine split: a relay process (start --no-worker) and N worker
                          processes (start --no-relay), each measured on its own`);
  process.exit(0);
}
const scenario = flag('scenario', 'standard');
if (scenario === 'noisy-neighbour') {
  // A scenario of its own (fairness between tenants): bench/noisy-neighbour.mjs reads the same arguments.
  await import('./noisy-neighbour.mjs');
  process.exit(0);
}
if (scenario !== 'standard') throw new Error(`--scenario ${scenario}: want standard or noisy-neighbour`);
const quick = args.includes('--quick');
const temporalKind = flag('temporal', 'dev');
if (!['dev', 'postgres', 'both'].includes(temporalKind)) throw new Error(`--temporal ${temporalKind}: want dev, postgres or both`);
// --temporal picks the server of this engine's row and of its bare-Temporal reference alike.
const expandOutbox = (name) => {
  if (name !== 'outbox' && name !== 'bare-temporal') return [name];
  return temporalKind === 'both' ? [name, `${name}-pg`] : temporalKind === 'postgres' ? [`${name}-pg`] : [name];
};
const profile = {
  backlog: Number(flag('backlog', quick ? 800 : 20_000)),
  loads: flag('loads', quick ? '25,50,100' : '100,500,1000')
    .split(',')
    .map(Number),
  durationMs: Number(String(flag('duration', quick ? '6s' : '20s')).replace(/s$/, '')) * 1000,
  writers: 8,
  concurrency: 16,
  deliveredRows: Number(flag('delivered-rows', quick ? 100_000 : 1_000_000)),
  systems: [...new Set(flag('systems', 'outbox,bare-temporal,graphile-worker,pg-boss').split(',').flatMap(expandOutbox))],
  temporal: temporalKind,
};
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (line) => console.error(line);

function databaseUrl(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `count` app transactions over 8 writers, paced to `ratePerSecond` when given. */
async function writeEvents(pool, system, { count, ratePerSecond, prefix, commits }) {
  const latencies = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: profile.writers }, async () => {
      for (;;) {
        const n = next++;
        if (n >= count) return;
        if (ratePerSecond) {
          const due = started + (n / ratePerSecond) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
        }
        const id = `${prefix}-${n}`;
        const client = await pool.connect();
        const begun = performance.now();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO bench_orders (id, total) VALUES ($1, $2)', [id, n]);
          await system.enqueue(client, id, { orderId: id, total: n });
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
        latencies.push(performance.now() - begun);
        commits?.set(id, Date.now());
      }
    }),
  );
  return { elapsedMs: Date.now() - started, latencies };
}

async function waitForArrivals(sink, ids, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ids.every((id) => sink.firstArrival.has(id))) return true;
    await sleep(50);
  }
  return false;
}

let claimCostMeasured = false;

async function createSystem(name, options) {
  if (name === 'outbox') return createOutboxSystem(options);
  if (name === 'outbox-pg') {
    const stamp = Date.now().toString(36);
    return createOutboxSystem({
      ...options,
      temporal: 'postgres',
      adminUrl: ADMIN_URL,
      temporalDatabases: [`temporal_bench_${stamp}`, `temporal_bench_${stamp}_visibility`],
    });
  }
  if (name === 'bare-temporal') return createBareTemporalSystem(options);
  if (name === 'bare-temporal-pg') {
    const stamp = Date.now().toString(36);
    return createBareTemporalSystem({
      ...options,
      temporal: 'postgres',
      adminUrl: ADMIN_URL,
      temporalDatabases: [`temporal_bare_${stamp}`, `temporal_bare_${stamp}_visibility`],
    });
  }
  if (name === 'graphile-worker') return createGraphileWorkerSystem(options);
  if (name === 'pg-boss') return createPgBossSystem(options);
  throw new Error(`unknown system ${name}: want outbox, outbox-pg, bare-temporal, bare-temporal-pg, graphile-worker or pg-boss`);
}

/**
 * Counts the statements run against the system's databases while watched (its app database and,
 * for a Temporal server on PostgreSQL, its two), with their execution time, from
 * pg_stat_statements (see pg-stat-statements.mjs); null when it is not available.
 * BEGIN/COMMIT are counted like any other statement.
 */
async function watchStatements(sampler, databases) {
  if (!statementsAvailable.available) return { stop: async () => null };
  await sampler.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await sampler.query('SELECT pg_stat_statements_reset()');
  return {
    async stop() {
      const byDatabase = {};
      for (const database of databases) {
        const { rows } = await sampler.query(
          'SELECT query, calls::int, total_exec_time::float AS ms FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 ORDER BY total_exec_time DESC',
          [database],
        );
        byDatabase[database] = {
          total: rows.reduce((sum, row) => sum + row.calls, 0),
          execMs: rows.reduce((sum, row) => sum + row.ms, 0),
          byQuery: rows.slice(0, 15),
        };
      }
      return byDatabase;
    },
  };
}

/** PostgreSQL CPU by database → by role for this system (its app database, Temporal's, the rest). */
function postgresCpuByRole(byDatabase, database, temporalDatabases) {
  const roles = {};
  for (const [name, seconds] of Object.entries(byDatabase)) {
    const role =
      name === database
        ? 'app database'
        : name === temporalDatabases[0]
          ? 'Temporal persistence'
          : name === temporalDatabases[1]
            ? 'Temporal visibility'
            : name === '(background)'
              ? 'background (WAL writer, checkpointer, autovacuum…)'
              : `other (${name})`;
    roles[role] = +((roles[role] ?? 0) + seconds).toFixed(2);
  }
  return roles;
}

async function benchSystem(name, sink) {
  const database = `bench_${name.replace(/-/g, '_')}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = databaseUrl(database);
  const options = { databaseUrl: url, sinkUrl: sink.url, concurrency: profile.concurrency };
  let system;
  try {
    system = await createSystem(name, options);
  } catch (error) {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    throw error;
  }
  const pool = new pg.Pool({ connectionString: url, max: profile.writers + 2 });
  pool.on('error', () => undefined);
  const sampler = new pg.Pool({ connectionString: ADMIN_URL, max: 1 });
  sampler.on('error', () => undefined);
  const temporalDatabases = system.temporalDatabases ?? [];
  const result = { system: system.name };
  try {
    await system.prepare();
    await pool.query('CREATE TABLE bench_orders (id text PRIMARY KEY, total int NOT NULL)');

    log(`${system.name}: enqueue ${profile.backlog} events (consumers stopped)`);
    const enqueued = await writeEvents(pool, system, { count: profile.backlog, prefix: 'backlog' });
    result.enqueueRatePerSecond = Math.round((profile.backlog / enqueued.elapsedMs) * 1000);
    result.enqueueP50Ms = +percentile(enqueued.latencies, 50).toFixed(2);
    result.enqueueP99Ms = +percentile(enqueued.latencies, 99).toFixed(2);

    log(`${system.name}: drain the backlog`);
    sink.reset();
    await system.startConsumers();
    const watch = watchProcesses(system.pids());
    const watchDb = watchPostgres(sampler);
    const statements = await watchStatements(sampler, [database, ...temporalDatabases]);
    const [busyBefore, drainStarted] = [await machineBusySeconds(), Date.now()];
    const ids = Array.from({ length: profile.backlog }, (_, n) => `backlog-${n}`);
    const drained = await waitForArrivals(sink, ids, 30 * 60_000);
    const usage = await watch.stop();
    const dbUsage = await watchDb.stop();
    const busy = (await machineBusySeconds()) - busyBefore;
    const statementCounts = await statements.stop();
    if (statementCounts) {
      const app = statementCounts[database];
      result.sqlStatementsPerDelivery = +(app.total / profile.backlog).toFixed(2);
      result.sqlStatementsByQuery = app.byQuery.map(({ query, calls }) => ({ perDelivery: +(calls / profile.backlog).toFixed(3), query }));
      // Where a PostgreSQL-backed Temporal spends its time: statements and execution time per delivery, per database.
      result.sqlByDatabase = Object.fromEntries(
        Object.entries(statementCounts).map(([name, counts]) => [
          name === database ? 'app database' : name === temporalDatabases[0] ? 'Temporal persistence' : 'Temporal visibility',
          {
            statementsPerDelivery: +(counts.total / profile.backlog).toFixed(2),
            execMsPerDelivery: +(counts.execMs / profile.backlog).toFixed(3),
            top: counts.byQuery.slice(0, 8).map(({ query, calls, ms }) => ({
              perDelivery: +(calls / profile.backlog).toFixed(3),
              msPerDelivery: +(ms / profile.backlog).toFixed(3),
              query: query.slice(0, 160),
            })),
          },
        ]),
      );
    }
    const arrivals = ids.map((id) => sink.firstArrival.get(id)).filter(Boolean);
    const span = Math.max(...arrivals) - Math.min(...arrivals);
    result.drainRatePerSecond = drained ? Math.round(((profile.backlog - 1) / span) * 1000) : null;
    result.cpuSecondsPer1000 = +((usage.cpuSeconds / profile.backlog) * 1000).toFixed(2);
    result.peakRssMb = Math.round(usage.peakRssBytes / 1024 / 1024);
    result.peakRssByProcessMb = usage.perProcessPeakRssBytes.map((bytes) => Math.round(bytes / 1024 / 1024));
    // Where the CPU went, per process (outbox: engine, then its Temporal server).
    result.drainCpuSecondsByProcess = usage.perProcessCpuSeconds;
    result.drainProcesses = system.processNames ?? [];
    // PostgreSQL's share: its backends by database (the system's own, Temporal's), and the rest.
    result.drainPostgresCpuSeconds = postgresCpuByRole(dbUsage, database, temporalDatabases);
    const pgOwn = Object.entries(result.drainPostgresCpuSeconds)
      .filter(([role]) => !role.startsWith('other'))
      .reduce((sum, [, s]) => sum + s, 0);
    result.postgresCpuSecondsPer1000 = +((pgOwn / profile.backlog) * 1000).toFixed(2);
    // Cores busy during the drain, and how many of them went to anything but this system and
    // its PostgreSQL share (the bench's own writers and sink, or other load on the machine).
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    result.drainMachineBusyCores = +(busy / drainSeconds).toFixed(2);
    result.drainOtherBusyCores = +((busy - usage.cpuSeconds - pgOwn) / drainSeconds).toFixed(2);

    result.lag = {};
    for (const load of profile.loads) {
      log(`${system.name}: offered load ${load}/s for ${profile.durationMs / 1000}s`);
      sink.reset();
      const commits = new Map();
      const count = Math.round((load * profile.durationMs) / 1000);
      const prefix = `load${load}`;
      await writeEvents(pool, system, { count, ratePerSecond: load, prefix, commits });
      const all = await waitForArrivals(sink, [...commits.keys()], 30_000);
      const lags = [...commits].map(([id, committedAt]) => (sink.firstArrival.get(id) ?? Date.now()) - committedAt);
      result.lag[load] = { p50Ms: percentile(lags, 50), p95Ms: percentile(lags, 95), p99Ms: percentile(lags, 99), allDelivered: all };
      if (!all || percentile(lags, 99) > 10_000) {
        log(`${system.name}: ${load}/s not sustained; higher loads skipped`);
        break;
      }
    }
    const sustained = Object.entries(result.lag)
      .filter(([, lag]) => lag.allDelivered && lag.p99Ms < 1000)
      .map(([load]) => Number(load));
    result.maxLoadWithP99Under1s = sustained.length ? Math.max(...sustained) : null;

    await system.stopConsumers();
    if (name.startsWith('outbox') && !claimCostMeasured) {
      claimCostMeasured = true;
      log(`${system.name}: relay claim cost with 0 vs ${profile.deliveredRows} delivered rows`);
      result.claimCost = await measureClaimCost(pool, profile.deliveredRows);
    }
  } finally {
    await system.close().catch((error) => log(`${system.name}: close failed: ${error.message}`));
    await pool.end();
    await sampler.end();
    for (const name of [database, ...temporalDatabases]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  return result;
}

/** The app transaction alone (business row, no event): what each system's enqueue adds to. */
async function baselineTransaction() {
  const database = `bench_baseline_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const pool = new pg.Pool({ connectionString: databaseUrl(database), max: profile.writers + 2 });
  pool.on('error', () => undefined);
  try {
    await pool.query('CREATE TABLE bench_orders (id text PRIMARY KEY, total int NOT NULL)');
    const written = await writeEvents(pool, { enqueue: async () => undefined }, { count: profile.backlog, prefix: 'baseline' });
    return { p50Ms: +percentile(written.latencies, 50).toFixed(2), p99Ms: +percentile(written.latencies, 99).toFixed(2) };
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

/** CPU seconds per 1 000 deliveries of a system's processes plus its share of PostgreSQL. */
function totalCpuPer1000(r) {
  return +(r.cpuSecondsPer1000 + (r.postgresCpuSecondsPer1000 ?? 0)).toFixed(2);
}

/** A system's figures as ratios to the bare-Temporal reference run in the same bench. */
function ratiosToReference(r, reference) {
  const ratio = (a, b) => (a == null || !b ? null : +(a / b).toFixed(2));
  const lag = {};
  for (const load of Object.keys(r.lag)) {
    const [mine, base] = [r.lag[load], reference.lag[load]];
    if (mine && base) lag[load] = { p50: ratio(mine.p50Ms, Math.max(1, base.p50Ms)), p99: ratio(mine.p99Ms, Math.max(1, base.p99Ms)) };
  }
  return {
    drain: ratio(r.drainRatePerSecond, reference.drainRatePerSecond),
    cpu: ratio(totalCpuPer1000(r), totalCpuPer1000(reference)),
    peakRss: ratio(r.peakRssMb, reference.peakRssMb),
    lag,
  };
}

function printTable(results, baseline) {
  const base = results.find((r) => r.system === 'graphile-worker');
  const rows = [
    ['enqueue rate (tx/s, 8 writers)', (r) => r.enqueueRatePerSecond],
    ['enqueue latency p50 / p99 (ms)', (r) => `${r.enqueueP50Ms} / ${r.enqueueP99Ms}`],
    [`  added to the app transaction, p50 (ms; alone ${baseline.p50Ms})`, (r) => (r.enqueueP50Ms - baseline.p50Ms).toFixed(2)],
    [`drain rate, ${profile.backlog} backlog (deliveries/s)`, (r) => r.drainRatePerSecond],
    ...profile.loads.map((load) => [
      `lag p50/p95/p99 at ${load}/s (ms)`,
      (r) => (r.lag[load] ? `${r.lag[load].p50Ms}/${r.lag[load].p95Ms}/${r.lag[load].p99Ms}${r.lag[load].allDelivered ? '' : ' (not all)'}` : 'skipped'),
    ]),
    ['highest load with p99 < 1 s (of those tried)', (r) => r.maxLoadWithP99Under1s ?? 'none'],
    ['CPU s per 1 000 deliveries (drain)', (r) => r.cpuSecondsPer1000],
    [
      '  by process',
      (r) =>
        r.drainProcesses?.length
          ? r.drainProcesses.map((process, i) => `${process} ${((r.drainCpuSecondsByProcess[i] / profile.backlog) * 1000).toFixed(2)}`).join(', ')
          : '',
    ],
    ['PostgreSQL CPU s per 1 000 deliveries (drain)', (r) => r.postgresCpuSecondsPer1000],
    [
      '  by database',
      (r) =>
        Object.entries(r.drainPostgresCpuSeconds ?? {})
          .filter(([role]) => !role.startsWith('other'))
          .map(([role, seconds]) => `${role.replace(/ \(.*/, '')} ${((seconds / profile.backlog) * 1000).toFixed(2)}`)
          .join(', '),
    ],
    ['total CPU s per 1 000 deliveries (processes + PostgreSQL)', (r) => totalCpuPer1000(r)],
    ['SQL statements per delivery, app database (drain)', (r) => r.sqlStatementsPerDelivery ?? `n/a (${statementsAvailable.reason})`],
    [
      '  PostgreSQL-backed Temporal: statements / exec ms per delivery',
      (r) =>
        Object.entries(r.sqlByDatabase ?? {})
          .filter(([role]) => role.startsWith('Temporal'))
          .map(([role, counts]) => `${role.replace('Temporal ', '')} ${counts.statementsPerDelivery} / ${counts.execMsPerDelivery}`)
          .join(', '),
    ],
    ['peak RSS of its processes (MB)', (r) => r.peakRssMb],
    [
      '  by process',
      (r) => (r.drainProcesses?.length ? r.drainProcesses.map((process, i) => `${process} ${r.peakRssByProcessMb?.[i] ?? '?'}`).join(', ') : ''),
    ],
    [`machine cores busy during the drain (of ${cpus().length}) / on anything else`, (r) => `${r.drainMachineBusyCores} / ${r.drainOtherBusyCores}`],
  ];
  const header = ['', ...results.map((r) => r.system), ...(base ? ['drain vs graphile-worker'] : [])];
  const lines = rows.map(([label, value]) => [
    label,
    ...results.map((r) => String(value(r))),
    ...(base
      ? [label.startsWith('drain') ? results.map((r) => `${r.system}: ${(r.drainRatePerSecond / base.drainRatePerSecond).toFixed(2)}×`).join(', ') : '']
      : []),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...lines].map((line) => String(line[i] ?? '').length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  '));
  // Each engine row against the reference on the same kind of Temporal server.
  const pairs = [
    [OUTBOX_SYSTEM_NAMES.dev, BARE_TEMPORAL_NAME],
    [OUTBOX_SYSTEM_NAMES.postgres, BARE_TEMPORAL_PG_NAME],
  ].flatMap(([system, referenceName]) => {
    const [r, reference] = [results.find((x) => x.system === system), results.find((x) => x.system === referenceName)];
    return r && reference ? [[r, reference]] : [];
  });
  if (pairs.length > 0)
    console.log('\nvs the bare-Temporal reference on the same server (ratio = system / reference; drain: higher is better, CPU, lag and RSS: lower is better)');
  for (const [r, reference] of pairs) {
    r.vsBareTemporal = { reference: reference.system, ...ratiosToReference(r, reference) };
    const lag = Object.entries(r.vsBareTemporal.lag).map(([load, ratio]) => `lag p50/p99 at ${load}/s ${ratio.p50}×/${ratio.p99}×`);
    console.log(
      `  ${r.system} vs ${reference.system}: drain ${r.vsBareTemporal.drain}×, CPU per delivery ${r.vsBareTemporal.cpu}×, peak RSS ${r.vsBareTemporal.peakRss}×, engine process alone ${r.peakRssByProcessMb?.[0]} MB, ${lag.join(', ')}`,
    );
  }
  const outbox = results.find((r) => r.claimCost);
  if (outbox?.claimCost) {
    const { emptyMs, fullMs, deliveredRows } = outbox.claimCost;
    console.log(
      `\nrelay claim: ${emptyMs} ms with 0 delivered rows, ${fullMs} ms with ${deliveredRows} (${(((fullMs - emptyMs) / emptyMs) * 100).toFixed(0)}%)`,
    );
  }
}

// SQL per delivery needs pg_stat_statements: turned on here (a restart of a local cluster) or n/a with the reason.
const statementsAvailable = await ensurePgStatStatements(ADMIN_URL, log);
if (!statementsAvailable.available) log(`SQL statements per delivery: n/a (${statementsAvailable.reason})`);
const sink = await startSink();
const results = [];
log('baseline: the app transaction without an event');
const baseline = await baselineTransaction();
try {
  for (const name of profile.systems) results.push(await benchSystem(name, sink));
} finally {
  await sink.stop();
}
printTable(results, baseline);
// What an event costs on Temporal Cloud: deterministic, so it needs no load (bench/actions-per-event.mjs).
let actions;
if (!args.includes('--no-actions') && profile.systems.some((name) => name.startsWith('outbox'))) {
  log('actions per event: the scenarios, one event each, on a dev server of their own');
  actions = await measureActionsPerEvent({ adminUrl: ADMIN_URL, onProgress: log });
  console.log(`\n${formatActions(actions)}`);
}
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`, import.meta.url);
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, profile, baseline, results, ...(actions && { actionsPerEvent: actions.map(({ key, name, target, actions: count, dollars }) => ({ key, name, target, actions: count, dollars })) }) }, null, 2)}\n`,
);
console.log(`\nwritten: ${file.pathname}`);
