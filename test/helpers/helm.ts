// Helm for the chart tests (deploy/helm/outbox): `go install helm.sh/helm/v4/cmd/helm@HELM_VERSION`
// from the Go module proxy, once, into ~/.cache/outbox/test-tools (as the Temporal CLI is built).
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildWithGo } from '../../src/temporal/build-with-go.js';

const run = promisify(execFile);
export const HELM_VERSION = 'v4.3.2';

/** The helm binary, built on first use (a few minutes; progress on stdout). */
export async function findHelm(): Promise<string> {
  const binary = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'outbox', 'test-tools', `helm-${HELM_VERSION}`, 'helm');
  try {
    await access(binary, constants.X_OK);
    return binary;
  } catch {
    // built below
  }
  await buildWithGo({
    command: (buildDir) => ({ args: ['install', `helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`], env: { ...process.env, GOBIN: buildDir, GOFLAGS: '-trimpath' } }),
    destination: binary,
    label: `helm ${HELM_VERSION}`,
    onProgress: (line) => console.log(`[helm] ${line}`),
    failure: (code, output) => new Error(`go install of helm ${HELM_VERSION} failed (exit ${code}):\n${output}`),
  });
  return binary;
}

/** Runs helm; resolves with its output, or rejects with it. */
export async function helm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run(await findHelm(), args, {
    cwd,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, HELM_CACHE_HOME: join(homedir(), '.cache', 'outbox', 'helm-home') },
  });
}
