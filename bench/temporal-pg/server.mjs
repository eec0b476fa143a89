// Starts bench/temporal-pg (Temporal on PostgreSQL) as a child process and waits until its
// frontend answers, like startDevServer does for `temporal server start-dev`.
import { spawn } from 'node:child_process';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../../dist/workflows/definitions.js';
import { freePort, temporalAnswers } from '../../dist/temporal/dev-server.js';
import { findTemporalPg } from './build.mjs';

/**
 * @param {object} options
 * @param {string} options.adminUrl postgres://… of the PostgreSQL that holds the two databases
 * @param {string} options.database Temporal's persistence database (dropped and recreated)
 * @param {string} options.visibilityDatabase Temporal's visibility database (idem)
 * @param {number} [options.shards] history shards (4)
 * @param {(line: string) => void} [options.onProgress]
 * @param {string[]} [options.extraArgs] more flags (TLS, JWT authorization: see main.go)
 * @param {boolean} [options.secured] the frontend wants TLS or a token: wait for its ready line, not a plain call
 * @returns {Promise<{ address: string, process: import('node:child_process').ChildProcess, binary: string, stop(): Promise<void> }>}
 */
export async function startPostgresTemporal({
  adminUrl,
  database,
  visibilityDatabase,
  shards = 4,
  onProgress = () => undefined,
  startTimeoutMs = 120_000,
  extraArgs = [],
  secured = false,
}) {
  const binary = await findTemporalPg({ onProgress });
  const url = new URL(adminUrl);
  const port = await freePort();
  const args = [
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--pg-host',
    url.hostname,
    '--pg-port',
    url.port || '5432',
    '--pg-user',
    decodeURIComponent(url.username || 'postgres'),
    '--pg-admin-db',
    url.pathname.slice(1) || 'postgres',
    '--db',
    database,
    '--visibility-db',
    visibilityDatabase,
    '--shards',
    String(shards),
    '--fresh',
  ];
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DECLARATIONS)) args.push('--search-attribute', `${name}=${type}`);
  // BENCH_TEMPORAL_PG_FLAGS, e.g. '--pprof-port 7936' to profile the server, '--shards 1'.
  args.push(...(process.env.BENCH_TEMPORAL_PG_FLAGS ?? '').split(' ').filter(Boolean), ...extraArgs);
  const env = { ...process.env };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  const child = spawn(binary.path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  let ready = false;
  const keep = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      if (line.startsWith('temporal-pg ready')) ready = true;
      output.push(line);
      if (output.length > 30) output.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited;
  child.once('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  const address = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await done;
    clearTimeout(timer);
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`temporal-pg stopped during start-up (${exited}). Its last output:\n${output.join('\n')}`);
    if (ready && (secured || (await temporalAnswers(address)))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`temporal-pg did not answer on ${address} within ${startTimeoutMs} ms. Last output:\n${output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Past start-up only warnings and errors are printed; keep the last ones for a failure message.
  return { address, process: child, binary: binary.path, stop, output };
}
