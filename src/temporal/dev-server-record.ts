import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * What an engine writes next to its data when it starts an embedded dev server, so that the
 * next start can find a server orphaned by an engine that was killed (SIGKILL, OOM) before it
 * could stop its child.
 */
export interface DevServerRecord {
  /** The `temporal` process. */
  pid: number;
  /** The engine process that started it. */
  ownerPid: number;
  /** The CLI's arguments: a server started with other settings is replaced, not reused. */
  args: string[];
}

/** True while a process with this pid exists (signal 0 only checks). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line (Linux /proc), or undefined where it cannot be read. */
async function commandLine(pid: number): Promise<string[] | undefined> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return raw?.split('\0').filter(Boolean);
}

/**
 * What the record at `path` says about an earlier dev server: `none` (no record, or its
 * process is gone or is no longer a Temporal dev server: pids are reused), `owned` (its engine
 * still runs), or `orphan` (its engine is gone; the server is still up).
 *
 * @example
 * const found = await findEarlierDevServer('/home/me/.local/share/outbox/temporal-dev-7233.json');
 */
export async function findEarlierDevServer(path: string): Promise<{ state: 'none' } | { state: 'owned' | 'orphan'; record: DevServerRecord }> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (!text) return { state: 'none' };
  let record: DevServerRecord;
  try {
    record = JSON.parse(text) as DevServerRecord;
  } catch {
    return { state: 'none' };
  }
  if (!Number.isInteger(record.pid) || !processAlive(record.pid)) return { state: 'none' };
  const running = await commandLine(record.pid);
  // Where /proc is missing, trust the record; where it is there, the pid must still be a dev server.
  if (running && !(running.includes('start-dev') && running.includes(record.args[record.args.indexOf('--port') + 1] ?? ''))) return { state: 'none' };
  return { state: record.ownerPid !== process.pid && processAlive(record.ownerPid) ? 'owned' : 'orphan', record };
}

/** Writes the record of a dev server this process started. */
export async function writeDevServerRecord(path: string, record: DevServerRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(record), { mode: 0o600 });
}

/** Removes the record (the server was stopped). */
export async function removeDevServerRecord(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Stops a process that is not our child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopByPid(pid: number, graceMs = 10_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  while (processAlive(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
