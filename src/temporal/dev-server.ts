import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { findEarlierDevServer, removeDevServerRecord, stopByPid, writeDevServerRecord } from './dev-server-record.js';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../workflows/definitions.js';

/** The embedded dev server did not come up; the message carries the tail of its output. */
export class DevServerError extends Error {
  override readonly name = 'DevServerError';
}

export interface DevServerOptions {
  /** Path of the `temporal` CLI (see findTemporalCli). */
  cliPath: string;
  ip?: string;
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; 0 picks a free one. Ignored when headless. */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  /** Extra `--dynamic-config-value KEY=VALUE` settings. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
  /**
   * Where to record the server's pid, so a later start finds a server orphaned by an engine
   * that was killed, and reuses it (same settings, answering) or replaces it. None when absent.
   */
  recordFile?: string;
  /** Told what was done with an earlier, orphaned server. */
  onNotice?: (line: string) => void;
}

export interface RunningDevServer {
  /** host:port for clients and workers. */
  address: string;
  /** Web UI URL, when not headless. */
  uiUrl: string | undefined;
  /** The server's process id (a reused server is not a child of this process). */
  pid: number;
  /** The child process, when this process started the server. */
  process: ChildProcess | undefined;
  /** `started`, or `reused` when an orphaned server of an earlier engine was taken over. */
  origin: 'started' | 'reused';
  /** Stops the server (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

/**
 * Dynamic config that makes the dev server cheaper per workflow (measured with `npm run bench`,
 * issue 15). The CLI forces a search-attribute cache refresh on every read so that attributes
 * created at run time show at once; ours are registered by the start command's flags before the
 * first workflow, so the cache can do its job. One task-queue partition: with the default 4, a
 * poller and a task can sit on different partitions until forwarding brings them together.
 */
export const LEAN_DEV_SERVER_CONFIG: Record<string, string | number | boolean> = {
  'system.forceSearchAttributesCacheRefreshOnRead': false,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

/** Asks the OS for a free TCP port on `ip`. */
export async function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `temporal server start-dev` with the outbox's search attributes registered and waits
 * until it answers gRPC calls.
 *
 * @example
 * const server = await startDevServer({ cliPath, port: 0, headless: true });
 * // ... use server.address ...
 * await server.stop();
 */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port || (await freePort(ip));
  const uiPort = options.headless ? undefined : options.uiPort || (await freePort(ip));
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn', '--log-format', 'json'];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFile) {
    await mkdir(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DECLARATIONS)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries({ ...LEAN_DEV_SERVER_CONFIG, ...options.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const address = `${ip}:${port}`;
  const uiUrl = uiPort === undefined ? undefined : `http://${ip}:${uiPort}`;
  const { recordFile } = options;
  if (recordFile) {
    const earlier = await findEarlierDevServer(recordFile);
    if (earlier.state === 'owned') {
      throw new DevServerError(
        `Another outbox engine (pid ${earlier.record.ownerPid}) runs the embedded Temporal dev server on ${address} (pid ${earlier.record.pid}). ` +
          'Stop that engine, or set OUTBOX_DEV_TEMPORAL_PORT and OUTBOX_DEV_TEMPORAL_UI_PORT to run a second one.',
      );
    }
    if (earlier.state === 'orphan') {
      const { pid } = earlier.record;
      if (JSON.stringify(earlier.record.args) === JSON.stringify(args) && (await temporalAnswers(address))) {
        options.onNotice?.(`reusing the Temporal dev server (pid ${pid}) on ${address} left running by an earlier engine that did not stop it`);
        await writeDevServerRecord(recordFile, { pid, ownerPid: process.pid, args });
        const stop = async () => {
          await stopByPid(pid);
          await removeDevServerRecord(recordFile);
        };
        return { address, uiUrl, pid, process: undefined, origin: 'reused', stop };
      }
      options.onNotice?.(
        `replacing the Temporal dev server (pid ${pid}) left running by an earlier engine: it was started with other settings or does not answer`,
      );
      await stopByPid(pid);
      await removeDevServerRecord(recordFile);
    }
  }

  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Recorded at once: an engine killed during start-up leaves a findable server too.
  if (recordFile && child.pid !== undefined) await writeDevServerRecord(recordFile, { pid: child.pid, ownerPid: process.pid, args });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 30) output.splice(0, output.length - 30);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
  });

  const stop = async () => {
    await stopProcess(child);
    if (recordFile) await removeDevServerRecord(recordFile);
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      throw new DevServerError(
        `The Temporal dev server stopped during start-up (${exited}). Its last output:\n${output.join('\n')}\n` +
          `Is port ${port} or ${uiPort ?? ''} already in use? Set OUTBOX_DEV_TEMPORAL_PORT / OUTBOX_DEV_TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use a running server.`,
      );
    }
    if (await temporalAnswers(address)) break;
    if (exited) continue;
    if (Date.now() > deadline) {
      await stop();
      throw new DevServerError(
        `The Temporal dev server did not answer on ${address} within ${options.startTimeoutMs ?? 60_000}ms. Last output:\n${output.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { address, uiUrl, pid: child.pid ?? 0, process: child, origin: 'started', stop };
}

/** True when a Temporal frontend at `address` answers for the `default` namespace (start-up probe). */
export async function temporalAnswers(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
