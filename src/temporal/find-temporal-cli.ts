import { buildWithGo } from './build-with-go.js';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';

/** The Temporal CLI release the project builds when none is installed (its go.mod has no `replace`). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** No Temporal CLI could be found or built; the message lists what was tried and what to do. */
export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
}

export interface FoundTemporalCli {
  path: string;
  source: 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'go install' | 'download';
}

/** Where a built CLI is kept between runs (outside the work tree, so CI and later runs reuse it). */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'outbox', 'temporal-cli', TEMPORAL_CLI_VERSION);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(command: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Where a CLI downloaded by @temporalio/testing is kept (its version is the SDK's choice). */
function downloadedCliPath(env: NodeJS.ProcessEnv): string {
  return join(temporalCliCacheDir(env), '..', 'sdk-download', 'temporal');
}

/**
 * Finds the `temporal` CLI, building it if needed, in this order: `$TEMPORAL_CLI`, `temporal`
 * on PATH, the cache (`~/.cache/outbox/temporal-cli/…`), `go install` into that cache, and
 * last @temporalio/testing's download (only where the network allows it).
 * Building takes minutes the first time; `onProgress` receives a line every few seconds.
 *
 * @example
 * const cli = await findTemporalCli({ onProgress: (line) => console.error(line) });
 * console.log(cli.path);
 */
export async function findTemporalCli(
  options: {
    env?: NodeJS.ProcessEnv;
    onProgress?: (line: string) => void;
    /** False skips the last resort (tests: their traffic must stay on loopback). */
    allowDownload?: boolean;
  } = {},
): Promise<FoundTemporalCli> {
  const env = options.env ?? process.env;
  const progress = options.onProgress ?? (() => undefined);

  if (env.TEMPORAL_CLI) {
    if (await isExecutable(env.TEMPORAL_CLI)) return { path: env.TEMPORAL_CLI, source: 'TEMPORAL_CLI' };
    throw new TemporalCliNotFoundError(
      `TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file. Point it at a temporal binary, or unset it to let the engine find or build one.`,
    );
  }
  const fromPath = await onPath('temporal', env);
  if (fromPath) return { path: fromPath, source: 'PATH' };

  const cacheDir = temporalCliCacheDir(env);
  const cached = join(cacheDir, 'temporal');
  if (await isExecutable(cached)) return { path: cached, source: 'cache' };
  const downloaded = downloadedCliPath(env);
  if (await isExecutable(downloaded)) return { path: downloaded, source: 'cache' };

  const go = await onPath('go', env);
  let goFailure: string;
  if (go) {
    try {
      await goInstall(go, cacheDir, env, progress);
      return { path: cached, source: 'go install' };
    } catch (error) {
      goFailure = (error as Error).message;
      progress(`Building with Go failed; trying @temporalio/testing's download instead.`);
    }
  } else {
    goFailure = 'Go is not installed';
  }
  try {
    if (options.allowDownload === false) throw new Error('downloads are disabled');
    await downloadWithTestingPackage(downloaded, progress);
    return { path: downloaded, source: 'download' };
  } catch (error) {
    throw new TemporalCliNotFoundError(
      `No Temporal CLI found: TEMPORAL_CLI is unset, \`temporal\` is not on PATH, nothing is cached in ${cacheDir}, ` +
        `it could not be built (${goFailure}) and could not be downloaded (${(error as Error).message}). ` +
        'Install the CLI (https://docs.temporal.io/cli) or Go 1.23+, or set TEMPORAL_ADDRESS to use a running Temporal server.',
    );
  }
}

/**
 * Lets @temporalio/testing download its dev server (it needs the internet), then keeps the
 * binary. The SDK names the file itself, so the one executable in a fresh directory is it.
 */
async function downloadWithTestingPackage(destination: string, progress: (line: string) => void): Promise<void> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  await mkdir(dirname(destination), { recursive: true });
  const downloadDir = await mkdtemp(join(dirname(destination), '.download-'));
  progress('Downloading the Temporal CLI with @temporalio/testing…');
  try {
    const environment = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'cached-download', downloadDir } } });
    await environment.teardown();
    const files = await readdir(downloadDir, { recursive: true });
    for (const file of files) {
      const path = join(downloadDir, file);
      if (basename(file).startsWith('temporal') && (await isExecutable(path)) && (await stat(path)).isFile()) {
        await rename(path, destination);
        progress(`Downloaded the Temporal CLI → ${destination}`);
        return;
      }
    }
    throw new Error(`the download left no temporal binary in ${downloadDir}`);
  } finally {
    await rm(downloadDir, { recursive: true, force: true });
  }
}

/** `go install` of the pinned CLI into the cache (see buildWithGo: never a half-written binary). */
async function goInstall(go: string, cacheDir: string, env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<void> {
  const destination = join(cacheDir, 'temporal');
  progress(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go (first run only; takes a few minutes)…`);
  const seconds = await buildWithGo({
    go,
    command: (buildDir) => ({
      args: ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
      env: { ...env, GOBIN: buildDir, GOFLAGS: `${env.GOFLAGS ?? ''} -trimpath`.trim() },
    }),
    destination,
    label: 'the Temporal CLI',
    onProgress: progress,
    failure: (code, output) =>
      new TemporalCliNotFoundError(
        `go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${code}). Last output:\n${output}\n` +
          'Check that the Go module proxy is reachable, or install the temporal CLI yourself and set TEMPORAL_CLI.',
      ),
  });
  progress(`Built the Temporal CLI in ${seconds}s → ${destination}`);
}
