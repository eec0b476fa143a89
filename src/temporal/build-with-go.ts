import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface GoBuildOptions {
  /** The `go` binary; `go` on PATH by default. */
  go?: string;
  /** Arguments and environment of the Go command, which must write `basename(destination)` into `buildDir`. */
  command(buildDir: string): { args: string[]; env: NodeJS.ProcessEnv; cwd?: string };
  /** Where the binary ends up. */
  destination: string;
  /** Names the build in progress lines, e.g. "the Temporal CLI". */
  label: string;
  onProgress(line: string): void;
  /** The error to throw when Go exits non-zero, given the last 40 lines it printed. */
  failure(code: number | null, output: string): Error;
}

/**
 * Runs a Go build into a fresh directory next to `destination`, printing progress every 15 s
 * (elapsed time, modules downloaded), then renames the binary into place: a build that is
 * interrupted, or two builds at once, never leave a half-written binary behind. Resolves with
 * the build's duration in seconds.
 *
 * @example
 * await buildWithGo({ command: (dir) => ({ args: ['build', '-o', join(dir, 'tool'), '.'], env: process.env, cwd: src }),
 *   destination: '/cache/tool', label: 'tool', onProgress: console.error, failure: (code, out) => new Error(out) });
 */
export async function buildWithGo(options: GoBuildOptions): Promise<number> {
  const cacheDir = dirname(options.destination);
  await mkdir(cacheDir, { recursive: true });
  const buildDir = await mkdtemp(join(cacheDir, '.build-'));
  const started = Date.now();
  const { args, env, cwd } = options.command(buildDir);
  const child = spawn(options.go ?? 'go', args, { env, ...(cwd && { cwd }), stdio: ['ignore', 'pipe', 'pipe'] });
  let downloads = 0;
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      if (line.startsWith('go: downloading')) downloads += 1;
      output.push(line);
      if (output.length > 40) output.shift();
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const ticker = setInterval(() => {
    options.onProgress(`  still building ${options.label}: ${Math.round((Date.now() - started) / 1000)}s elapsed, ${downloads} modules downloaded`);
  }, 15_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw options.failure(code, output.join('\n'));
    await rename(join(buildDir, basename(options.destination)), options.destination);
    return Math.round((Date.now() - started) / 1000);
  } finally {
    clearInterval(ticker);
    await rm(buildDir, { recursive: true, force: true });
  }
}
