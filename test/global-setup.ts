// Runs once per `vitest run`: finds (or builds) the Temporal CLI, starts one dev server on free
// ports, bundles the workflow code, and migrates a template database that each test file clones.
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../src/db/migrate.js';
import { startDevServer } from '../src/temporal/dev-server.js';
import { findTemporalCli } from '../src/temporal/find-temporal-cli.js';
import { bundleDeliveryWorkflows } from '../src/worker/bundle-workflows.js';
import { ADMIN_DATABASE_URL, databaseUrl, TEST_DATABASE_PREFIX } from './helpers/database-urls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCliPath: string;
    workflowBundlePath: string;
    tracedWorkflowBundlePath: string;
    templateDatabase: string;
    runId: string;
  }
}

/** CLI tests run the compiled bin; refuse to test a dist/ older than the sources. */
async function assertDistFresh(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const built = await stat(join(root, 'dist/cli/main.js')).catch(() => undefined);
  const sources = await readdir(join(root, 'src'), { recursive: true });
  const newest = Math.max(...(await Promise.all(sources.map(async (file) => (await stat(join(root, 'src', file))).mtimeMs))));
  if (!built || built.mtimeMs < newest) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` first (`npm test` does it for you).');
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  await assertDistFresh();
  const cli = await findTemporalCli({ onProgress: (line) => console.log(`[setup] ${line}`) });
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const [server, bundle, tracedBundle, workDir] = await Promise.all([
    startDevServer({ cliPath: cli.path, port: 0, headless: true }),
    bundleDeliveryWorkflows({ tracing: false }),
    bundleDeliveryWorkflows({ tracing: true }),
    mkdtemp(join(tmpdir(), 'outbox-test-')),
  ]);
  const workflowBundlePath = join(workDir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);
  const tracedWorkflowBundlePath = join(workDir, 'workflow-bundle-traced.js');
  await writeFile(tracedWorkflowBundlePath, tracedBundle.code);

  const templateDatabase = `${TEST_DATABASE_PREFIX}${runId}_template`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  await admin.end();
  const templatePool = new pg.Pool({ connectionString: databaseUrl(templateDatabase), max: 1 });
  await migrate(templatePool);
  await templatePool.end();

  project.provide('temporalAddress', server.address);
  project.provide('temporalCliPath', cli.path);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('tracedWorkflowBundlePath', tracedWorkflowBundlePath);
  project.provide('templateDatabase', templateDatabase);
  project.provide('runId', runId);
  console.log(`[setup] Temporal dev server ${server.address} (${cli.source}), ready in ${Date.now() - started}ms`);

  return async () => {
    await server.stop();
    await rm(workDir, { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${TEST_DATABASE_PREFIX}${runId}%`]);
    for (const { datname } of rows) await cleanup.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await cleanup.end();
  };
}
