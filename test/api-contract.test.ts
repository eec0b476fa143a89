// The management API's contract as clients generated from it see it (issue 31, A-F): the
// document served at /v1/openapi.json lints clean with Redocly, and two Go clients generated from
// it at test time (oapi-codegen and ogen, built with the machine's `go`) drive the main flows
// against a real `outbox start`, decoding every error answer as the document declares it. A
// change to the document that breaks a generated client fails here.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { freePort } from '../src/temporal/dev-server.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The generators, pinned; `go run module@version` builds each once into Go's cache. */
const OAPI_CODEGEN = 'github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2';
const OGEN = 'github.com/ogen-go/ogen/cmd/ogen@v1.25.0';

describe('the API contract, through generated clients', () => {
  let db: TestDatabase;
  let base: string;
  let engine: ReturnType<typeof spawnCli>;
  let sink: WebhookSink;
  let failing: WebhookSink;
  let operatorKey = '';
  let work = '';
  let log = '';
  let document: Record<string, unknown>;

  beforeAll(async () => {
    [db, sink, failing] = await Promise.all([createTestDatabase(), new WebhookSink().start(), new WebhookSink().start()]);
    failing.responder = () => ({ status: 503 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    engine = spawnCli(['start'], {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('contract'),
      OUTBOX_HTTP_PORT: String(port),
    });
    engine.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, { what: 'the engine to be ready', describe: () => log.slice(-2000) });
    operatorKey = (await runCli(['api-keys', 'create', '--operator'], { DATABASE_URL: db.url })).stdout.trim();
    document = (await (await fetch(`${base}/v1/openapi.json`)).json()) as Record<string, unknown>;
    work = await mkdtemp(join(tmpdir(), 'outbox-go-clients-'));
    await writeFile(join(work, 'openapi.json'), JSON.stringify(document));
  });
  afterAll(async () => {
    engine?.kill('SIGKILL');
    await Promise.all([sink?.stop(), failing?.stop()]);
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${operatorKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
  };

  it('lints clean with Redocly: 0 errors, 0 warnings (rules in redocly.yaml)', async () => {
    const { stdout, stderr } = await run(
      join(ROOT, 'node_modules/.bin/redocly'),
      ['lint', join(work, 'openapi.json'), '--config', join(ROOT, 'redocly.yaml'), '--format', 'stylish'],
      {
        cwd: ROOT,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    expect(`${stdout}${stderr}`).toContain('Your API description is valid');
    expect(`${stdout}${stderr}`).not.toMatch(/\b(error|warning)\s+[a-z0-9-]+\s/);
  });

  it("publishes the TypeScript client with the engine's version, and its document version is the engine's too", async () => {
    const { readFile } = await import('node:fs/promises');
    const engineVersion = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const client = JSON.parse(await readFile(join(ROOT, 'client/package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
    expect(client.version).toBe(engineVersion);
    expect((document.info as { version: string }).version).toBe(engineVersion);
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(client.dependencies['openapi-fetch']).toBe(root.devDependencies['openapi-fetch']);
  });

  it('declares every error as application/problem+json with an operationId and description on every operation', () => {
    const paths = document.paths as Record<
      string,
      Record<string, { operationId?: string; responses: Record<string, { description?: string; content?: Record<string, unknown> }> }>
    >;
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(response.description, `${method} ${path} ${status}`).not.toBe('Default Response');
          if (Number(status) >= 400) expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
        }
      }
    }
  });

  it('round-trips a retry policy, removes a filter only when asked, and searches skipped attempts', async () => {
    const created = await api('POST', '/v1/subscriptions', {
      name: 'round-trip',
      events: 'rt.*',
      target: { kind: 'webhook', config: { url: `${sink.url}/rt` } },
      retryPolicy: { schedule: 'custom', delays: ['1500ms', '1m'], jitter: 0, deadline: '2h' },
      filter: { 'data.n': { $gte: 1 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.retryPolicy).toEqual({
      schedule: 'custom',
      delays: ['1500ms', '1m'],
      jitter: 0,
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '10m',
      deadline: '2h',
      nonRetryableErrorTypes: [],
    });
    const patched = await api('PATCH', '/v1/subscriptions/round-trip', { retryPolicy: created.body.retryPolicy });
    expect(patched.body.retryPolicy).toEqual(created.body.retryPolicy);
    // A typed client's PATCH of another field leaves the filter alone; null is not a way to remove it.
    expect((await api('PATCH', '/v1/subscriptions/round-trip', { ordered: false })).body.filter).toEqual({ 'data.n': { $gte: 1 } });
    expect((await api('PATCH', '/v1/subscriptions/round-trip', { filter: null })).status).toBe(400);
    expect((await api('PATCH', '/v1/subscriptions/round-trip', { removeFilter: true })).body.filter).toBeNull();
    await enqueue(db.pool, { tenant: 'rt', type: 'rt.created', payload: { n: 0 }, idempotencyKey: 'rt-skip' });
    await api('PATCH', '/v1/subscriptions/round-trip', { filter: { 'data.n': { $gte: 1 } } });
    await enqueue(db.pool, { tenant: 'rt', type: 'rt.created', payload: { n: 0 }, idempotencyKey: 'rt-skip-2' });
    const skipped = await waitFor(
      async () => {
        const found = await api('GET', '/v1/deliveries?outcome=skipped');
        return (found.body.items as unknown[]).length > 0 ? found : undefined;
      },
      { what: 'a skipped attempt in the log' },
    );
    expect(skipped.status).toBe(200);
    expect((skipped.body.items as { outcome: string }[]).every((item) => item.outcome === 'skipped')).toBe(true);
  });

  it.each([
    ['oapi-codegen', OAPI_CODEGEN, ['-generate', 'types,client', '-package', 'oapiclient', '-o', 'oapiclient/client.gen.go', 'openapi.json'], './cmd/oapi'],
    ['ogen', OGEN, ['--target', 'ogenclient', '--package', 'ogenclient', '--clean', 'openapi.json'], './cmd/ogen'],
  ])(
    'a Go client generated by %s creates, pages, changes one field, retries a dead letter, and decodes every error',
    async (name, generator, args, program) => {
      const dir = join(work, name);
      await cp(join(ROOT, 'test/go-clients'), dir, { recursive: true });
      await cp(join(work, 'openapi.json'), join(dir, 'openapi.json'));
      const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
      await run('mkdir', ['-p', join(dir, 'oapiclient')]);
      await run('go', ['run', generator, ...args], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
      // Only the package this program uses is generated: the other's import must not be needed.
      await run('go', ['build', '-o', join(dir, 'client'), program], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
      // A dead letter for the client to find and retry.
      const tenant = `go-${name.replace(/[^a-z]/g, '')}`;
      await api('POST', '/v1/subscriptions', {
        name: `${tenant}-failing`,
        tenant,
        events: 'dl.*',
        target: { kind: 'webhook', config: { url: `${failing.url}/${tenant}` } },
        retryPolicy: { maximumAttempts: 1 },
      });
      await enqueue(db.pool, { tenant, type: 'dl.created', payload: { n: 1 }, idempotencyKey: `${tenant}-dl` });
      await waitFor(async () => ((await api('GET', `/v1/dead-letters?tenant=${tenant}`)).body.items as unknown[]).length === 1, {
        what: `${tenant}'s dead letter`,
      });
      const { stdout } = await run(join(dir, 'client'), [], {
        env: { PATH: process.env.PATH ?? '', BASE_URL: base, API_KEY: operatorKey, PREFIX: tenant, TENANT: tenant, SINK_URL: `${sink.url}/${tenant}` },
      });
      const steps = Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { step: string })
          .map((line) => [line.step, line]),
      );
      expect(steps.created).toMatchObject({ name: `${tenant}-hook`, secretShown: true, retryInitialInterval: '1s' });
      expect(steps.conflict).toMatchObject({ status: 409, title: 'Name taken' });
      expect(steps.invalid).toMatchObject({ status: 400, field: 'body.events' });
      expect(steps.missing).toMatchObject({ status: 404, title: 'Subscription not found' });
      expect(steps.updated).toEqual({ step: 'updated', events: 'go.changed.*', filterKept: true });
      expect((steps.listed as unknown as { names: string[] }).names).toEqual(expect.arrayContaining([`${tenant}-hook`, `${tenant}-failing`]));
      expect(steps.retried).toMatchObject({ matched: 1, signalled: 1 });
    },
  );
});
