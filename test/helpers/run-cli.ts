import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package's real `outbox` bin (runs the compiled dist/, which `npm test` builds first). */
export const OUTBOX_BIN = fileURLToPath(new URL('../../bin/outbox.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `outbox ARGS` as a real child process with `env` added to a minimal environment. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  return { code, stdout, stderr };
}

/** Starts `outbox ARGS` and returns the process (for long-running commands such as `start`). */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [OUTBOX_BIN, ...args], {
    // Test targets are loopback servers: the engine refuses private addresses otherwise.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', OUTBOX_ALLOW_PRIVATE_TARGETS: 'loopback', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
