#!/usr/bin/env node
// npm run bench -- --scenario noisy-neighbour [--flood 5000] [--trickle-seconds 60] [--alone-seconds 60] [--after-seconds 15]
//
// Fairness (issue 20) on one engine (`outbox start` against its own dev server): tenant B
// trickles 5 events/s to a fast endpoint, first alone (after 2 s of warm-up), then while tenant A floods `--flood`
// events to an endpoint that answers in 2 s and as many to one that never answers within its
// 10 s timeout (3 attempts, then dead letters), interleaved so both floods run at once. Prints B's lag alone and under the flood (and
// their ratio), B's slowest events (with their commit time after the flood's start), how A's events fared while B
// sent and after B stopped (alone, A gets the whole admission budget back), and the cores the engine, the Temporal
// server and PostgreSQL used in each phase. Writes bench/results/noisy-neighbour-<date>.json.
// B's two phases last equally long by default, so both p99s rest on as many events (300 at 60 s).
import { mkdir, writeFile } from 'node:fs/promises';
import { Connection, Client } from '@temporalio/client';
import pg from 'pg';
import { addSubscription, generateWebhookSecret, migrate } from '../dist/index.js';
import { createDatabase } from '../dist/db/create-database.js';
import { percentile, processUsage, sleep } from './measure.mjs';
import { startSink } from './sink.mjs';
import { createOutboxSystem } from './systems/outbox.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const profile = {
  flood: Number(flag('flood', 5000)),
  trickleSeconds: Number(flag('trickle-seconds', 60)),
  aloneSeconds: Number(flag('alone-seconds', flag('trickle-seconds', 60))),
  afterSeconds: Number(flag('after-seconds', 15)),
  // --flood-endpoints fast: A's two endpoints answer at once instead (a flood the window does not slow down).
  floodEndpoints: flag('flood-endpoints', 'slow-and-stuck'),
  trickleRate: 5,
};
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (line) => console.error(line);

/** B's trickle: one app transaction per event at `trickleRate`/s for `seconds`; returns commit times by key. */
async function trickle(pool, prefix, seconds) {
  const commits = new Map();
  const count = seconds * profile.trickleRate;
  const started = Date.now();
  for (let n = 0; n < count; n++) {
    const due = started + (n / profile.trickleRate) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    const key = `${prefix}-${n}`;
    await pool.query("SELECT outbox.enqueue('b', 'b.order', $1::jsonb, $2)", [JSON.stringify({ n }), key]);
    commits.set(key, Date.now());
  }
  return commits;
}

async function lagOf(sink, commits, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && ![...commits.keys()].every((key) => sink.firstArrival.has(key))) await sleep(100);
  const lags = [...commits].map(([key, at]) => (sink.firstArrival.get(key) ?? Date.now()) - at);
  return {
    p50Ms: percentile(lags, 50),
    p95Ms: percentile(lags, 95),
    p99Ms: percentile(lags, 99),
    maxMs: Math.max(...lags),
    count: lags.length,
    allDelivered: lags.length === [...commits.keys()].filter((key) => sink.firstArrival.has(key)).length,
  };
}

/**
 * Where B's lag went, per stage, from the rows: commit → claimed by the relay (dispatched_at),
 * → the first attempt's send began (attempted_at − duration), → its answer (duration).
 */
async function stagesOf(pool, keys, sinceMs) {
  const { rows } = await pool.query(
    `SELECT e.idempotency_key AS key, extract(epoch from e.created_at) * 1000 AS created_ms,
            extract(epoch from e.dispatched_at - e.created_at) * 1000 AS relay_ms,
            extract(epoch from d.attempted_at - e.dispatched_at) * 1000 - d.duration_ms AS start_ms,
            d.duration_ms AS send_ms
       FROM outbox.events e
       JOIN LATERAL (SELECT attempted_at, duration_ms FROM outbox.deliveries WHERE event_id = e.id ORDER BY id LIMIT 1) d ON true
      WHERE e.tenant_id = 'b' AND e.idempotency_key LIKE $1`,
    [keys],
  );
  const stage = (name) => {
    const values = rows.map((row) => Number(row[name]));
    return { p50Ms: Math.round(percentile(values, 50)), p99Ms: Math.round(percentile(values, 99)), maxMs: Math.round(Math.max(...values)) };
  };
  const total = (row) => Number(row.relay_ms) + Number(row.start_ms) + Number(row.send_ms);
  const slowest = [...rows]
    .sort((a, b) => total(b) - total(a))
    .slice(0, 5)
    .map(
      (row) =>
        `${row.key} (+${((Number(row.created_ms) - sinceMs) / 1000).toFixed(1)} s) ${Math.round(total(row))} ms = ${Math.round(row.relay_ms)} + ${Math.round(row.start_ms)} + ${Math.round(row.send_ms)}`,
    );
  const slowestKeys = [...rows]
    .sort((a, b) => total(b) - total(a))
    .slice(0, 5)
    .map((row) => row.key);
  return { relay: stage('relay_ms'), startToSend: stage('start_ms'), send: stage('send_ms'), slowest, slowestKeys };
}

/**
 * Where B's slowest events spent their relay stage, from their workflows' histories: commit →
 * the server recorded the start (the claim, and the start call up to its persistence), → the
 * first workflow task started (eager start hands it straight back), → the row marked dispatched
 * (the start call's answer, the batch's other starts, the mark). Times are the server's and
 * PostgreSQL's clocks, on the same machine.
 */
async function relaySplitOf(pool, address, keys) {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const { rows } = await pool.query(
      `SELECT idempotency_key AS key, workflow_id, extract(epoch from created_at) * 1000 AS created_ms, extract(epoch from dispatched_at) * 1000 AS dispatched_ms
         FROM outbox.events WHERE tenant_id = 'b' AND idempotency_key = ANY ($1)`,
      [keys],
    );
    const lines = [];
    for (const row of rows) {
      const history = await client.workflow.getHandle(row.workflow_id).fetchHistory();
      const at = (index) => Number(history.events?.[index]?.eventTime?.seconds ?? 0) * 1000 + (history.events?.[index]?.eventTime?.nanos ?? 0) / 1e6;
      const started = at(0);
      const taskStarted = history.events?.findIndex((event) => String(event.eventType).includes('WORKFLOW_TASK_STARTED') || event.eventType === 6);
      const wft = taskStarted !== undefined && taskStarted >= 0 ? at(taskStarted) : started;
      const ms = (value) => Math.round(value);
      lines.push(
        `${row.key}: commit→started ${ms(started - Number(row.created_ms))}, →first task ${ms(wft - started)}, started→marked ${ms(Number(row.dispatched_ms) - started)} ms`,
      );
    }
    return lines;
  } finally {
    await connection.close();
  }
}

/**
 * A's busiest seconds of attempts, counted from the flood's start: a burst of attempts that
 * falls due together (retries on one schedule) saturates the cores and shows in B's tail.
 */
async function busiestSecondsOf(pool, floodStartedMs) {
  const { rows } = await pool.query(
    `SELECT floor(extract(epoch from d.attempted_at) - $1::float8 / 1000)::int AS second, count(*)::int AS attempts,
            count(*) FILTER (WHERE d.error LIKE 'circuit open%')::int AS circuit_open
       FROM outbox.deliveries d JOIN outbox.events e ON e.id = d.event_id
      WHERE e.tenant_id = 'a' GROUP BY 1 ORDER BY 2 DESC LIMIT 3`,
    [floodStartedMs],
  );
  return rows.map((row) => `${row.attempts} attempts at +${row.second}s (${row.circuit_open} failed fast on the open breaker)`);
}

/** CPU seconds so far of the PostgreSQL backends connected to `database` now, by pid. */
async function backendsCpu(pool, database) {
  const { rows } = await pool.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return new Map(await Promise.all(rows.map(async ({ pid }) => [pid, (await processUsage(pid, { children: false })).cpu])));
}

/**
 * Runs one phase and measures the cores the engine, the Temporal server and PostgreSQL (the
 * backends of the scenario's database still connected at the end) used meanwhile: B's lag
 * under the flood is CPU shared with A's work. Read at the phase's start and end only, so the
 * measuring itself costs nothing during the phase.
 */
async function withCores(system, pool, database, run) {
  const pids = system.pids();
  const usage = () => Promise.all(pids.map((pid) => processUsage(pid)));
  const started = Date.now();
  const [before, backendsBefore] = [await usage(), await backendsCpu(pool, database)];
  const value = await run();
  const seconds = (Date.now() - started) / 1000;
  const [after, backendsAfter] = [await usage(), await backendsCpu(pool, database)];
  const cpu = after.map((item, index) => item.cpu - before[index].cpu);
  const postgres = [...backendsAfter].reduce((sum, [pid, total]) => sum + total - (backendsBefore.get(pid) ?? 0), 0);
  const cores = (seconds_) => +(seconds_ / seconds).toFixed(2);
  // pids(): the engine process(es), then the Temporal server.
  const engine = cpu.slice(0, -1).reduce((sum, item) => sum + item, 0);
  return { value, cores: { engine: cores(engine), temporal: cores(cpu.at(-1) ?? 0), postgres: cores(postgres) } };
}

const floodDelays = profile.floodEndpoints === 'fast' ? [0, 0] : [2_000, 60_000];
const [fast, slow, stuck] = await Promise.all([startSink(), startSink({ delayMs: floodDelays[0] }), startSink({ delayMs: floodDelays[1] })]);
const database = `bench_noisy_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${database}`;
const databaseUrl = url.toString();
const system = await createOutboxSystem({ databaseUrl, sinkUrl: fast.url });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
// The scenario's database is dropped WITH (FORCE) at the end: a connection ended by that is expected.
pool.on('error', (error) => log(`bench pool: ${error.message}`));
const result = { date: new Date().toISOString(), profile };
try {
  const setup = createDatabase({ connectionString: databaseUrl, max: 2 });
  await migrate(setup.pool);
  const secret = generateWebhookSecret();
  const webhook = (sink, extra = {}) => ({ kind: 'webhook', config: { url: sink.url, secret, allowPrivateAddresses: true, ...extra } });
  await addSubscription(setup.db, { name: 'fast', tenant: 'b', events: 'b.*', target: webhook(fast) });
  await addSubscription(setup.db, { name: 'slow', tenant: 'a', events: 'a.slow', target: webhook(slow) });
  await addSubscription(setup.db, {
    name: 'stuck',
    tenant: 'a',
    events: 'a.stuck',
    target: webhook(stuck),
    retryPolicy: { maximumAttempts: 3, initialInterval: '1s' },
  });
  await setup.close();
  await system.startConsumers();
  await sleep(3_000);

  // Warm-up, not measured: the first events after start pay for connections and JIT, and
  // would otherwise be B's "alone" tail (they were its two slowest events).
  await lagOf(fast, await trickle(pool, 'b-warm-up', 2));
  log(`B alone: ${profile.trickleRate}/s for ${profile.aloneSeconds}s`);
  const aloneStarted = Date.now();
  const alone = await withCores(system, pool, database, async () => lagOf(fast, await trickle(pool, 'b-alone', profile.aloneSeconds)));
  result.bAlone = alone.value;
  result.coresAlone = alone.cores;

  log(`A floods ${profile.flood} events to a 2 s endpoint and ${profile.flood} to one that times out; B trickles for ${profile.trickleSeconds}s`);
  const floodStarted = Date.now();
  // Both of A's floods at once: its events alternate between the slow and the stuck endpoint.
  for (let from = 0; from < 2 * profile.flood; from += 1000) {
    const size = Math.min(1000, 2 * profile.flood - from);
    await pool.query(
      `SELECT outbox.enqueue('a', CASE WHEN n % 2 = 0 THEN 'a.slow' ELSE 'a.stuck' END, jsonb_build_object('n', n), 'a-' || n) FROM generate_series($1::int, $2::int) AS n`,
      [from, from + size - 1],
    );
  }
  log(`A's flood enqueued in ${((Date.now() - floodStarted) / 1000).toFixed(1)} s`);
  const slowBefore = slow.firstArrival.size;
  const flood = await withCores(system, pool, database, async () => lagOf(fast, await trickle(pool, 'b-flood', profile.trickleSeconds)));
  result.bUnderFlood = flood.value;
  result.coresUnderFlood = flood.cores;
  const floodSeconds = (Date.now() - floodStarted) / 1000;
  result.aSlowDelivered = slow.firstArrival.size - slowBefore;
  result.aSlowRatePerSecond = +(result.aSlowDelivered / floodSeconds).toFixed(1);
  result.aStuckAttempted = stuck.firstArrival.size;
  result.floodSeconds = +floodSeconds.toFixed(1);
  result.bP99Ratio = result.bAlone.p99Ms ? +(result.bUnderFlood.p99Ms / result.bAlone.p99Ms).toFixed(2) : null;
  // B stopped: once its events are out of the admission window (5 s), A alone has the whole budget.
  await sleep(6_000);
  const slowAtAfter = slow.firstArrival.size;
  await sleep(profile.afterSeconds * 1000);
  result.aSlowRateAfterBStopped = +((slow.firstArrival.size - slowAtAfter) / profile.afterSeconds).toFixed(1);
  result.bStages = await stagesOf(pool, 'b-flood-%', floodStarted);
  result.bSlowestRelaySplit = await relaySplitOf(pool, system.temporalAddress(), result.bStages.slowestKeys);
  result.bStagesAlone = await stagesOf(pool, 'b-alone-%', aloneStarted);
  result.aBusiestSeconds = await busiestSecondsOf(pool, floodStarted);
} catch (error) {
  log(`the scenario failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await system.close().catch((error) => log(`close failed: ${error.message}`));
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  await Promise.all([fast.stop(), slow.stop(), stuck.stop()]);
}

const row = (label, lag) =>
  `${label.padEnd(34)} ${lag.count} events: p50 ${lag.p50Ms} ms, p95 ${lag.p95Ms} ms, p99 ${lag.p99Ms} ms, max ${lag.maxMs} ms${lag.allDelivered ? '' : ' (not all delivered)'}`;
console.log(row(`B alone (${profile.trickleRate}/s)`, result.bAlone));
console.log(row('B while A floods', result.bUnderFlood));
console.log(`B's p99 under the flood / alone: ${result.bP99Ratio}× (target ≤ 2× and ≤ 250 ms)`);
for (const [label, stages] of [
  ['alone', result.bStagesAlone],
  ['under the flood', result.bStages],
]) {
  console.log(
    `B's stages ${label}: ${Object.entries(stages)
      .filter(([name]) => name !== 'slowest' && name !== 'slowestKeys')
      .map(([name, s]) => `${name} p50/p99/max ${s.p50Ms}/${s.p99Ms}/${s.maxMs} ms`)
      .join('; ')}; slowest (relay + start to send + send): ${stages.slowest.join(', ')}`,
  );
}
console.log(
  `A's slow endpoint (${profile.floodEndpoints === 'fast' ? 'answers at once here' : '2 s answers'}): ${result.aSlowDelivered} of ${profile.flood} arrived in the ${result.floodSeconds} s measured (${result.aSlowRatePerSecond}/s); ${profile.floodEndpoints === 'fast' ? 'its other endpoint' : 'endpoint that times out'}: ${result.aStuckAttempted} distinct events attempted`,
);
console.log(`B's slowest events under the flood, relay stage split: ${(result.bSlowestRelaySplit ?? []).join('; ')}`);
console.log(
  `A's ${profile.floodEndpoints === 'fast' ? 'first' : 'slow'} endpoint after B stopped (A alone, from 6 s after B's last event, for ${profile.afterSeconds} s): ${result.aSlowRateAfterBStopped}/s`,
);
console.log(`A's busiest seconds of attempts: ${result.aBusiestSeconds.join('; ')}`);
const coresRow = ({ engine, temporal, postgres }) => `engine ${engine}, Temporal server ${temporal}, PostgreSQL ${postgres}`;
console.log(`cores used (of 2), B alone: ${coresRow(result.coresAlone)}; while A floods: ${coresRow(result.coresUnderFlood)}`);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/noisy-neighbour-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`, import.meta.url);
await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwritten: ${file.pathname}`);
