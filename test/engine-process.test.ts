// `outbox start` and `outbox dev` as real processes: health endpoints, delivery, graceful shutdown.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { freePort } from '../src/temporal/dev-server.js';
import { processAlive, stopByPid } from '../src/temporal/dev-server-record.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>): Running {
  const child = spawnCli(args, env);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout?.resume();
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exit };
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('engine processes', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const database = async (migrated: boolean): Promise<TestDatabase> => {
    const db = await createTestDatabase({ migrated });
    cleanups.push(() => db.drop());
    return db;
  };

  it('`outbox start` serves /healthz and /readyz, delivers, and stops cleanly on SIGTERM', async () => {
    const db = await database(true);
    const sink = await new WebhookSink().start();
    cleanups.push(() => sink.stop());
    await addSubscription(db.db, { name: 'proc', events: '*', target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } } });
    const port = await freePort();
    const engine = run(['start'], {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('proc'),
      OUTBOX_HTTP_PORT: String(port),
    });
    cleanups.push(() => Promise.resolve(engine.child.kill('SIGKILL')));

    const ready = await waitFor(
      async () => {
        const result = await getJson(`http://127.0.0.1:${port}/readyz`);
        return result.status === 200 ? result : undefined;
      },
      { what: '/readyz to answer 200', describe: () => engine.stderr() },
    );
    expect(ready.body).toEqual({
      status: 'ready',
      checks: [
        { name: 'postgres', ok: true },
        { name: 'temporal', ok: true },
        { name: 'relay', ok: true },
        { name: 'worker', ok: true },
      ],
    });
    expect(await getJson(`http://127.0.0.1:${port}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });

    await enqueue(db.pool, { tenant: 'proc', type: 'proc.event', payload: { n: 1 }, idempotencyKey: 'proc-1' });
    await waitFor(() => sink.countsById().get('proc-1') === 1, { what: 'the engine process to deliver', describe: () => engine.stderr() });

    engine.child.kill('SIGTERM');
    expect(await engine.exit).toBe(0);
    expect(engine.stderr()).toContain('SIGTERM: finishing the current batch');
    expect(engine.stderr()).toContain('outbox engine stopped');
  });

  it('`outbox dev` migrates, runs the embedded Temporal server with its Web UI, and stops it on SIGINT', async () => {
    const db = await database(false);
    const [grpcPort, uiPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    const dev = run(['dev'], {
      DATABASE_URL: db.url,
      OUTBOX_DEV_TEMPORAL_PORT: String(grpcPort),
      OUTBOX_DEV_TEMPORAL_UI_PORT: String(uiPort),
      OUTBOX_DEV_TEMPORAL_DB: 'memory',
      OUTBOX_HTTP_PORT: String(httpPort),
    });
    cleanups.push(() => Promise.resolve(dev.child.kill('SIGKILL')));

    const uiUrl = await waitFor(() => /Temporal Web UI: (http:\/\/\S+)/.exec(dev.stderr())?.[1], {
      what: 'dev to print the Web UI URL',
      describe: () => dev.stderr(),
    });
    expect(uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
    expect(dev.stderr()).toContain('database migrated');
    const page = await waitFor(
      async () => {
        const response = await fetch(uiUrl);
        return response.ok ? response.text() : undefined;
      },
      { what: 'the Web UI to serve its page' },
    );
    expect(page).toMatch(/<html/i);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200, { what: 'dev to be ready' });

    dev.child.kill('SIGINT');
    expect(await dev.exit).toBe(0);
    // The embedded server went down with it.
    await expect(fetch(uiUrl)).rejects.toThrow();
  });

  it('a dev server orphaned by a SIGKILLed `outbox dev` is found and reused by the next start, which says so', async () => {
    const db = await database(false);
    const dataHome = await mkdtemp(join(tmpdir(), 'outbox-dev-orphan-'));
    cleanups.push(() => rm(dataHome, { recursive: true, force: true }));
    const [grpcPort, uiPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      DATABASE_URL: db.url,
      XDG_DATA_HOME: dataHome,
      OUTBOX_DEV_TEMPORAL_PORT: String(grpcPort),
      OUTBOX_DEV_TEMPORAL_UI_PORT: String(uiPort),
      OUTBOX_DEV_TEMPORAL_DB: 'memory',
      OUTBOX_HTTP_PORT: String(httpPort),
    };
    const first = run(['dev'], env);
    cleanups.push(() => Promise.resolve(first.child.kill('SIGKILL')));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200, { what: 'dev to be ready', describe: () => first.stderr() });
    const record = JSON.parse(await readFile(join(dataHome, 'outbox', `temporal-dev-${grpcPort}.json`), 'utf8')) as { pid: number };
    cleanups.push(async () => void (await stopByPid(record.pid)));

    first.child.kill('SIGKILL');
    await first.exit;
    // SIGKILL cannot be caught: the server is an orphan now, still answering.
    expect(processAlive(record.pid)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${uiPort}`)).ok).toBe(true);

    const second = run(['dev'], env);
    cleanups.push(() => Promise.resolve(second.child.kill('SIGKILL')));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200, {
      what: 'the second dev to be ready',
      describe: () => second.stderr(),
    });
    expect(second.stderr()).toContain(`reusing the Temporal dev server (pid ${record.pid})`);

    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
    // The reused server is stopped with the engine that took it over.
    await waitFor(() => !processAlive(record.pid), { what: 'the reused dev server to stop' });
  });
});
