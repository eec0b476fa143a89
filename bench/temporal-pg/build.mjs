#!/usr/bin/env node
// Finds or builds bench/temporal-pg (a Temporal server on PostgreSQL, see main.go) into
// ~/.cache/outbox/temporal-pg/<server version>-<source hash>/temporal-pg, outside the repo.
// The first build fetches go.temporal.io/server and its dependencies from the Go module proxy
// and compiles them: minutes; later runs reuse the binary until main.go/go.mod/go.sum change.
//
//   node bench/temporal-pg/build.mjs   # builds if needed, prints the binary's path
//
// TEMPORAL_PG=/path/to/temporal-pg skips all this.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWithGo } from '../../dist/temporal/build-with-go.js';

const SOURCE_DIR = fileURLToPath(new URL('.', import.meta.url));
const SOURCES = ['main.go', 'go.mod', 'go.sum'];

/** The go.temporal.io/server version main.go is built against (from go.mod). */
export async function temporalServerVersion() {
  const goMod = await readFile(join(SOURCE_DIR, 'go.mod'), 'utf8');
  const match = /go\.temporal\.io\/server (v\S+)/.exec(goMod);
  if (!match) throw new Error(`no go.temporal.io/server requirement in ${join(SOURCE_DIR, 'go.mod')}`);
  return match[1];
}

/** Cache directory of the binary: one per server version and per state of the sources. */
export async function temporalPgCacheDir(env = process.env) {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(await readFile(join(SOURCE_DIR, file)));
  const base = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'outbox', 'temporal-pg', `${await temporalServerVersion()}-${hash.digest('hex').slice(0, 12)}`);
}

async function isExecutable(path) {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The temporal-pg binary: $TEMPORAL_PG, the cached build, or a fresh `go build` (progress
 * lines go to onProgress every 15 s). Returns { path, source, buildSeconds? }.
 */
export async function findTemporalPg({ env = process.env, onProgress = () => undefined } = {}) {
  if (env.TEMPORAL_PG) {
    if (await isExecutable(env.TEMPORAL_PG)) return { path: env.TEMPORAL_PG, source: 'TEMPORAL_PG' };
    throw new Error(`TEMPORAL_PG=${env.TEMPORAL_PG} is not an executable file`);
  }
  const cacheDir = await temporalPgCacheDir(env);
  const binary = join(cacheDir, 'temporal-pg');
  if (await isExecutable(binary)) return { path: binary, source: 'cache' };

  const version = await temporalServerVersion();
  onProgress(`Building temporal-pg (go.temporal.io/server ${version} on PostgreSQL) with Go; the first build takes several minutes…`);
  const buildSeconds = await buildWithGo({
    command: (buildDir) => ({
      args: ['build', '-trimpath', '-o', join(buildDir, 'temporal-pg'), '.'],
      env: { ...env, GOFLAGS: `${env.GOFLAGS ?? ''} -mod=mod`.trim() },
      cwd: SOURCE_DIR,
    }),
    destination: binary,
    label: 'temporal-pg',
    onProgress,
    failure: (code, output) =>
      new Error(`go build of ${SOURCE_DIR} failed (exit ${code}). Last output:\n${output}\nIs Go 1.25+ installed and the Go module proxy reachable?`),
  });
  onProgress(`Built temporal-pg in ${buildSeconds}s → ${binary}`);
  return { path: binary, source: 'go build', buildSeconds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const found = await findTemporalPg({ onProgress: (line) => console.error(line) });
  console.log(found.path);
}
