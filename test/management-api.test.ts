// The management API (issue 16), driven through a client generated from the document the
// engine serves, as an operator and as two tenants. Every answer is checked against its
// documented schema (helpers/api-client.ts); the last test checks every route was called.
import { ENGINE_VERSION } from '../src/config/engine-version.js';
import { readFile, writeFile } from 'node:fs/promises';
import { validate } from '@readme/openapi-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { inScope } from '../src/api/scoped-transaction.js';
import { freePort } from '../src/temporal/dev-server.js';
import { apiClient, responseChecker } from './helpers/api-client.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { signedPortalToken } from './helpers/portal-token.js';

const TYPES_FILE = new URL('../client/src/management-api.ts', import.meta.url);

describe('management API', () => {
  let db: TestDatabase;
  let base: string;
  let engine: ReturnType<typeof spawnCli>;
  let sink: WebhookSink;
  let output = '';
  let document: Parameters<typeof responseChecker>[0] & Record<string, unknown>;
  let checker: ReturnType<typeof responseChecker>;
  const seen = new Set<string>();
  const keys: Record<'operator' | 'a' | 'b', string> = { operator: '', a: '', b: '' };
  const env = () => ({ DATABASE_URL: db.url });
  const as = (who: keyof typeof keys | undefined, key?: string) => apiClient(base, key ?? (who && keys[who]), checker, seen);
  const webhook = (path: string) => ({ kind: 'webhook' as const, config: { url: `http://127.0.0.1:9/${path}` } });

  beforeAll(async () => {
    [db, sink] = await Promise.all([createTestDatabase(), new WebhookSink().start()]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    engine = spawnCli(['start'], {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api'),
      OUTBOX_HTTP_PORT: String(port),
    });
    engine.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, { what: 'the engine to be ready', describe: () => output });
    for (const [who, flags] of [
      ['operator', ['--operator']],
      ['a', ['--tenant', 'tenant-a']],
      ['b', ['--tenant', 'tenant-b']],
    ] as const) {
      const { stdout, code } = await runCli(['api-keys', 'create', ...flags], env());
      expect(code).toBe(0);
      keys[who] = stdout.trim();
    }
    document = (await (await fetch(`${base}/v1/openapi.json`)).json()) as typeof document;
    checker = responseChecker(document);
  });
  afterAll(async () => {
    engine?.kill('SIGKILL');
    await sink?.stop();
    await db?.drop();
  });

  it('serves a valid OpenAPI 3.1 document, whose generated client types are the ones the tests use, and renders its docs offline', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    const types = `// Generated from /v1/openapi.json by test/management-api.test.ts (UPDATE_API_TYPES=1 to rewrite).\n${astToString(await openapiTS(document as never, { defaultNonNullable: false }))}`;
    if (process.env.UPDATE_API_TYPES === '1') await writeFile(TYPES_FILE, types);
    expect(await readFile(TYPES_FILE, 'utf8'), 'the served document changed: rerun with UPDATE_API_TYPES=1 and commit client/src/management-api.ts').toBe(
      types,
    );
    const page = await fetch(`${base}/v1/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    // Every script and stylesheet the page loads comes from this server.
    for (const [, src] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(src, 'an asset from elsewhere').not.toMatch(/^(https?:)?\/\//);
    expect((await fetch(`${base}/v1/docs/static/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('refuses a missing, wrong or revoked key with 401, and a tenant key the installation status with 403', async () => {
    expect((await as(undefined).GET('/v1/subscriptions', { params: { query: {} } })).response.status).toBe(401);
    expect((await as(undefined, `${keys.a.slice(0, -4)}AAAA`).GET('/v1/subscriptions', { params: { query: {} } })).response.status).toBe(401);
    const { stdout } = await runCli(['api-keys', 'create', '--tenant', 'tenant-a', '--json'], env());
    const doomed = JSON.parse(stdout) as { key: string; prefix: string };
    expect((await as(undefined, doomed.key).GET('/v1/subscriptions', { params: { query: {} } })).response.status).toBe(200);
    expect((await runCli(['api-keys', 'revoke', doomed.prefix], env())).code).toBe(0);
    const revoked = await as(undefined, doomed.key).GET('/v1/subscriptions', { params: { query: {} } });
    expect(revoked.response.status).toBe(401);
    expect(revoked.response.headers.get('content-type')).toContain('application/problem+json');
    const status = await as('a').GET('/v1/status');
    expect(status.response.status).toBe(403);
    const operatorStatus = await as('operator').GET('/v1/status');
    expect(operatorStatus.data?.byStatus.pending).toBe(0);
    // The engine answering says which release it is (as `outbox --version`).
    expect(operatorStatus.data?.version).toBe(ENGINE_VERSION);
    // The key itself is stored only as a hash.
    const { rows } = await sql<{ hex: string }>`SELECT encode(key_hash, 'hex') AS hex FROM outbox.api_keys`.execute(db.db);
    expect(rows.some((row) => row.hex.includes(Buffer.from(keys.a).toString('hex')))).toBe(false);
  });

  it('lets an operator create, read, page, disable, enable and delete subscriptions, each change audited with the key', async () => {
    const operator = as('operator');
    const created = await operator.POST('/v1/subscriptions', { body: { name: 'ops-1', events: 'order.*', target: webhook('ops-1') } });
    expect(created.response.status).toBe(201);
    expect(created.data?.secret).toMatch(/^whsec_/);
    expect(created.data?.tenant).toBe('*');
    for (const name of ['ops-2', 'ops-3'])
      await operator.POST('/v1/subscriptions', { body: { name, tenant: 'tenant-b', events: 'order.*', target: webhook(name) } });
    const first = await operator.GET('/v1/subscriptions', { params: { query: { limit: 2 } } });
    expect(first.data?.items.map((item) => item.name)).toEqual(['ops-1', 'ops-2']);
    const second = await operator.GET('/v1/subscriptions', { params: { query: { limit: 2, cursor: first.data!.nextCursor! } } });
    expect(second.data?.items.map((item) => item.name)).toEqual(['ops-3']);
    expect(second.data?.nextCursor).toBeNull();
    const one = await operator.GET('/v1/subscriptions/{id}', { params: { path: { id: 'ops-1' } } });
    expect(one.data).toMatchObject({ name: 'ops-1', events: 'order.*', enabled: true, target: expect.stringContaining('127.0.0.1') as unknown });
    expect(JSON.stringify(one.data)).not.toContain('whsec_');
    const disabled = await operator.POST('/v1/subscriptions/{id}/disable', { params: { path: { id: 'ops-1' } }, body: { reason: 'maintenance window' } });
    expect(disabled.data).toMatchObject({ enabled: false, disabledReason: 'maintenance window' });
    expect((await operator.POST('/v1/subscriptions/{id}/enable', { params: { path: { id: 'ops-1' } }, body: {} })).data?.enabled).toBe(true);
    const audit = await operator.GET('/v1/subscriptions/{id}/audit', { params: { path: { id: 'ops-1' }, query: {} } });
    const operatorKeyId = (await sql<{ id: string }>`SELECT id::text FROM outbox.api_keys WHERE scope = 'operator'`.execute(db.db)).rows[0]!.id;
    expect(audit.data?.items.map((entry) => [entry.action, entry.changed.join(','), entry.actor])).toEqual([
      ['created', '', `api-key:${operatorKeyId}`],
      ['updated', 'disabled_at,disabled_reason,enabled', `api-key:${operatorKeyId}`],
      ['updated', 'disabled_at,disabled_reason,enabled', `api-key:${operatorKeyId}`],
    ]);
    const patched = await operator.PATCH('/v1/subscriptions/{id}', {
      params: { path: { id: 'ops-1' } },
      body: { events: 'order.paid', flowControl: { ratePerSecond: 5 }, filter: { 'data.total': { $gte: 10 } } },
    });
    expect(patched.data).toMatchObject({ events: 'order.paid', flowControl: { ratePerSecond: 5 }, filter: { 'data.total': { $gte: 10 } } });
    const badPatch = await operator.PATCH('/v1/subscriptions/{id}', { params: { path: { id: 'ops-1' } }, body: { filter: { 'data.total': { $near: 1 } } } });
    expect(badPatch.error?.errors?.[0]?.field).toBe('body.filter.data.total.$near');
    expect((await operator.PATCH('/v1/subscriptions/{id}', { params: { path: { id: 'ops-1' } }, body: { removeFilter: true } })).data?.filter).toBeNull();
    const rotated = await operator.POST('/v1/subscriptions/{id}/rotate-secret', { params: { path: { id: 'ops-1' } }, body: { graceSeconds: 3600 } });
    expect(rotated.data?.secret).toMatch(/^whsec_/);
    expect(rotated.data?.secret).not.toBe(created.data?.secret);
    expect(Date.parse(rotated.data!.previousSecretsUntil!)).toBeGreaterThan(Date.now());
    expect((await operator.GET('/v1/subscriptions/{id}/audit', { params: { path: { id: 'ops-1' }, query: {} } })).data?.items.at(-1)).toMatchObject({
      action: 'updated',
      changed: ['target_config'],
    });
    expect((await operator.DELETE('/v1/subscriptions/{id}', { params: { path: { id: 'ops-3' } } })).data?.name).toBe('ops-3');
    expect((await operator.GET('/v1/subscriptions/{id}', { params: { path: { id: 'ops-3' } } })).response.status).toBe(404);
  });

  it("keeps a tenant key to its own tenant: another tenant's rows are 404, other tenants and operator-only settings are refused, by PostgreSQL too", async () => {
    const a = as('a');
    const b = as('b');
    const mine = await a.POST('/v1/subscriptions', { body: { name: 'a-hooks', events: 'a.*', target: webhook('a') } });
    expect(mine.response.status).toBe(201);
    expect(mine.data?.tenant).toBe('tenant-a');
    expect((await b.GET('/v1/subscriptions/{id}', { params: { path: { id: 'a-hooks' } } })).response.status).toBe(404);
    expect((await b.DELETE('/v1/subscriptions/{id}', { params: { path: { id: 'a-hooks' } } })).response.status).toBe(404);
    expect((await b.POST('/v1/subscriptions/{id}/disable', { params: { path: { id: 'a-hooks' } }, body: {} })).response.status).toBe(404);
    expect((await b.POST('/v1/subscriptions/{id}/rotate-secret', { params: { path: { id: 'a-hooks' } }, body: {} })).response.status).toBe(404);
    expect((await b.PATCH('/v1/subscriptions/{id}', { params: { path: { id: 'a-hooks' } }, body: { events: 'b.*' } })).response.status).toBe(404);
    const ownPatch = await a.PATCH('/v1/subscriptions/{id}', {
      params: { path: { id: 'a-hooks' } },
      body: { target: { kind: 'webhook', config: { url: 'http://127.0.0.1:9/a', secret: 'env:OUTBOX_SECRET_X' } } },
    });
    expect(ownPatch.response.status).toBe(403);
    const listed = await b.GET('/v1/subscriptions', { params: { query: {} } });
    expect(listed.data?.items.every((item) => item.tenant === 'tenant-b')).toBe(true);
    expect(listed.data?.items.map((item) => item.name)).toContain('ops-2');
    const elsewhere = await b.POST('/v1/subscriptions', { body: { name: 'b-for-a', tenant: 'tenant-a', events: 'a.*', target: webhook('b') } });
    expect(elsewhere.response.status).toBe(403);
    expect(elsewhere.error?.errors?.[0]?.field).toBe('body.tenant');
    const privateAddress = await b.POST('/v1/subscriptions', {
      body: { name: 'b-private', events: 'b.*', target: { kind: 'webhook', config: { url: 'http://10.0.0.1/x', allowPrivateAddresses: true } } },
    });
    expect(privateAddress.response.status).toBe(403);
    expect(privateAddress.error?.detail).toContain('allowPrivateAddresses');
    const envReference = await b.POST('/v1/subscriptions', {
      body: { name: 'b-env', events: 'b.*', target: { kind: 'webhook', config: { url: 'https://example.com/x', secret: 'env:OUTBOX_SECRET_X' } } },
    });
    expect(envReference.response.status).toBe(403);
    // Route code aside, the database refuses the tenant's role the same rows.
    const principal = { keyId: '1', scope: 'tenant', tenant: 'tenant-b' } as const;
    const direct = (tenant: string, config: object) =>
      inScope(db.db, principal, (trx) =>
        sql`INSERT INTO outbox.subscriptions (name, tenant_id, event_pattern, target_kind, target_config) VALUES ('sneaky', ${tenant}, 'b.*', 'webhook', ${JSON.stringify(config)}::jsonb)`.execute(
          trx,
        ),
      );
    await expect(direct('tenant-b', { url: 'http://10.0.0.1/', allowPrivateAddresses: true })).rejects.toThrow(/row-level security/);
    await expect(direct('tenant-a', { url: 'https://example.com/' })).rejects.toThrow(/row-level security/);
    await expect(
      inScope(db.db, principal, (trx) => sql`UPDATE outbox.subscriptions SET enabled = false WHERE name = 'a-hooks' RETURNING id`.execute(trx)),
    ).resolves.toMatchObject({ rows: [] });
    expect(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM outbox.subscriptions WHERE name IN ('sneaky', 'b-for-a', 'b-private', 'b-env')`.execute(db.db))
        .rows[0]!.n,
    ).toBe('0');
  });

  it('honours Idempotency-Key: a repeat returns the first answer, another body with the same key is refused, nothing is written twice', async () => {
    const a = as('a');
    const body = { name: 'a-idem', events: 'a.paid', target: webhook('idem') };
    const headers = { 'idempotency-key': 'create-a-idem-1' };
    const first = await a.POST('/v1/subscriptions', { body, headers });
    const again = await a.POST('/v1/subscriptions', { body, headers });
    expect(first.response.status).toBe(201);
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    // The replay is the first answer without the secret it showed once (issue 31: never kept).
    expect(first.data?.secret).toMatch(/^whsec_/);
    expect(again.data).toEqual({ ...first.data, secret: undefined });
    const different = await a.POST('/v1/subscriptions', { body: { ...body, events: 'a.refunded' }, headers });
    expect(different.response.status).toBe(422);
    expect(different.error?.detail).toContain('create-a-idem-1');
    // Another key's same Idempotency-Key is its own.
    expect((await as('b').POST('/v1/subscriptions', { body: { ...body, name: 'b-idem' }, headers })).response.status).toBe(201);
    expect((await sql<{ n: string }>`SELECT count(*) AS n FROM outbox.subscriptions WHERE name = 'a-idem'`.execute(db.db)).rows[0]!.n).toBe('1');
    // Every POST honours it, actions too: the repeat changes nothing and answers as the first did.
    const disable = { params: { path: { id: 'a-idem' } }, body: { reason: 'paused' }, headers: { 'idempotency-key': 'pause-a-idem' } };
    const paused = await a.POST('/v1/subscriptions/{id}/disable', disable);
    const auditBefore = (await a.GET('/v1/subscriptions/{id}/audit', { params: { path: { id: 'a-idem' }, query: {} } })).data?.items.length;
    const pausedAgain = await a.POST('/v1/subscriptions/{id}/disable', disable);
    expect(pausedAgain.response.headers.get('idempotent-replayed')).toBe('true');
    expect(pausedAgain.data).toEqual(paused.data);
    expect((await a.GET('/v1/subscriptions/{id}/audit', { params: { path: { id: 'a-idem' }, query: {} } })).data?.items.length).toBe(auditBefore);
  });

  it('answers bad input with a 4xx problem naming the field, and writes nothing', async () => {
    const a = as('a');
    const before = (await sql<{ n: string }>`SELECT count(*) AS n FROM outbox.subscriptions`.execute(db.db)).rows[0]!.n;
    const unknownField = await a.POST('/v1/subscriptions', { body: { events: 'a.*', target: webhook('x'), colour: 'blue' } as never });
    expect(unknownField.response.status).toBe(400);
    expect(unknownField.error?.detail).toContain('colour');
    const wrongType = await a.POST('/v1/subscriptions', { body: { events: 42, target: webhook('x') } as never });
    expect(wrongType.error?.errors?.[0]?.field).toBe('body.events');
    const badTarget = await a.POST('/v1/subscriptions', { body: { events: 'a.*', target: { kind: 'webhook', config: { url: 'not a url' } } } });
    expect(badTarget.response.status).toBe(400);
    expect(badTarget.error?.errors?.[0]?.field).toBe('body.target.config.url');
    const badPattern = await a.POST('/v1/subscriptions', { body: { events: 'a b', target: webhook('x') } });
    expect(badPattern.error?.errors?.[0]?.field).toBe('body.events');
    const taken = await a.POST('/v1/subscriptions', { body: { name: 'a-hooks', events: 'a.*', target: webhook('x') } });
    expect(taken.response.status).toBe(409);
    const badCursor = await a.GET('/v1/subscriptions', { params: { query: { cursor: 'not-a-cursor' } } });
    expect(badCursor.error?.errors?.[0]?.field).toBe('querystring.cursor');
    expect((await a.GET('/v1/subscriptions', { params: { query: { limit: 0 } } })).response.status).toBe(400);
    const huge = await fetch(`${base}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.a}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: 'a.*', target: { kind: 'webhook', config: { url: `https://example.com/${'x'.repeat(300_000)}` } } }),
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    const notJson = await fetch(`${base}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.a}`, 'content-type': 'application/json' },
      body: '{"events": ',
    });
    expect(notJson.status).toBe(400);
    expect((await sql<{ n: string }>`SELECT count(*) AS n FROM outbox.subscriptions`.execute(db.db)).rows[0]!.n).toBe(before);
    expect(output).not.toMatch(/obk_[A-Za-z0-9_-]{12}_/);
  });

  it('finds a dead-lettered event by its key, shows its attempts, retries it through the API and sees it delivered; another tenant finds none of it', async () => {
    const a = as('a');
    const b = as('b');
    sink.responder = () => ({ status: 400 });
    const created = await a.POST('/v1/subscriptions', {
      body: { name: 'a-orders', events: 'shop.order.*', target: { kind: 'webhook', config: { url: sink.url } }, retryPolicy: { maximumAttempts: 1 } },
    });
    expect(created.response.status).toBe(201);
    const first = await enqueue(db.pool, {
      tenant: 'tenant-a',
      type: 'shop.order.paid',
      payload: { total: 10 },
      idempotencyKey: 'order-1-paid',
      correlationId: 'checkout-1',
    });
    const second = await enqueue(db.pool, { tenant: 'tenant-a', type: 'shop.order.paid', payload: { total: 20 }, idempotencyKey: 'order-2-paid' });
    await waitFor(async () => (await a.GET('/v1/dead-letters', { params: { query: {} } })).data?.items.length === 2, {
      what: 'two dead letters for tenant a',
      timeoutMs: 60_000,
      describe: () => output,
    });

    const found = await a.GET('/v1/events', { params: { query: { type: 'shop.order.*', status: 'dead_lettered', correlationId: 'checkout-1' } } });
    expect(found.data?.items.map((event) => [event.id, event.idempotencyKey])).toEqual([[first, 'order-1-paid']]);
    const paged = await a.GET('/v1/events', { params: { query: { type: 'shop.order.*', limit: 1 } } });
    expect(paged.data?.items.map((event) => event.id)).toEqual([second]);
    expect(
      (await a.GET('/v1/events', { params: { query: { type: 'shop.order.*', limit: 1, cursor: paged.data!.nextCursor! } } })).data?.items.map(
        (event) => event.id,
      ),
    ).toEqual([first]);
    const detail = await a.GET('/v1/events/{id}', { params: { path: { id: first } } });
    expect(detail.data).toMatchObject({ status: 'dead_lettered', payload: { total: 10 }, workflowId: expect.any(String) as unknown });
    const route = detail.data!.routes[0]!;
    expect(route).toMatchObject({ subscription: 'a-orders', attempts: 1, lastOutcome: 'permanent_failure', lastStatusCode: 400 });
    const attempts = await a.GET('/v1/deliveries', { params: { query: { eventId: first, subscription: 'a-orders', statusCode: 400 } } });
    expect(attempts.data?.items.map((attempt) => attempt.outcome)).toEqual(['permanent_failure']);

    // Tenant b: none of it.
    expect((await b.GET('/v1/events/{id}', { params: { path: { id: first } } })).response.status).toBe(404);
    expect((await b.GET('/v1/events', { params: { query: { type: 'shop.order.*' } } })).data?.items).toEqual([]);
    expect((await b.GET('/v1/events', { params: { query: { tenant: 'tenant-a' } } })).response.status).toBe(403);
    expect((await b.GET('/v1/deliveries', { params: { query: { eventId: first } } })).data?.items).toEqual([]);
    expect((await b.GET('/v1/dead-letters/{id}', { params: { path: { id: route.openDeadLetterId! } } })).response.status).toBe(404);
    expect((await b.POST('/v1/dead-letters/{id}/retry', { params: { path: { id: route.openDeadLetterId! } }, body: {} })).response.status).toBe(404);
    expect((await b.POST('/v1/dead-letters/retry', { body: { events: 'shop.order.*' } })).data).toMatchObject({ matched: 0 });

    const dry = await a.POST('/v1/dead-letters/retry', { body: { events: 'shop.order.*', dryRun: true } });
    expect(dry.data).toEqual({ matched: 2, signalled: 0, failed: [], dryRun: true });
    expect((await a.GET('/v1/dead-letters/{id}', { params: { path: { id: route.openDeadLetterId! } } })).data?.eventId).toBe(first);
    sink.responder = () => ({ status: 200 });
    expect((await a.POST('/v1/dead-letters/{id}/retry', { params: { path: { id: route.openDeadLetterId! } }, body: {} })).data).toMatchObject({
      matched: 1,
      signalled: 1,
    });
    await waitFor(async () => (await a.GET('/v1/events/{id}', { params: { path: { id: first } } })).data?.status === 'delivered', {
      what: 'the retried event delivered',
      timeoutMs: 60_000,
    });
    // The other one, discarded in bulk by an operator.
    const discarded = await as('operator').POST('/v1/dead-letters/discard', {
      body: { tenant: 'tenant-a', events: 'shop.order.*', reason: 'refunded by hand' },
    });
    expect(discarded.data).toMatchObject({ matched: 1, signalled: 1 });
    await waitFor(async () => (await a.GET('/v1/events/{id}', { params: { path: { id: second } } })).data?.status === 'discarded', {
      what: 'the other event discarded',
      timeoutMs: 60_000,
    });
    expect((await a.GET('/v1/dead-letters', { params: { query: {} } })).data?.items).toEqual([]);
    expect(
      (await a.POST('/v1/dead-letters/{id}/discard', { params: { path: { id: route.openDeadLetterId! } }, body: { reason: 'again' } })).response.status,
    ).toBe(404);

    // A test send goes the real way and answers with its attempt.
    const tested = await a.POST('/v1/subscriptions/{id}/test', { params: { path: { id: 'a-orders' } }, body: { payload: { hello: 'world' } } });
    expect(tested.response.status).toBe(200);
    expect(tested.data && 'attempt' in tested.data && tested.data.attempt).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    expect(JSON.parse(sink.requests.at(-1)!.body)).toMatchObject({ type: 'outbox.test', data: { hello: 'world' } });
    expect((await b.POST('/v1/subscriptions/{id}/test', { params: { path: { id: 'a-orders' } }, body: {} })).response.status).toBe(404);
    expect((await as('operator').POST('/v1/subscriptions/{id}/test', { params: { path: { id: 'ops-1' } }, body: {} })).error?.errors?.[0]?.field).toBe(
      'body.tenant',
    );

    // Replay by filter: a dry run counts, then the delivered event goes again with the same webhook-id.
    const since = new Date(Date.now() - 10 * 60_000).toISOString();
    expect((await a.POST('/v1/replay', { body: { events: 'shop.order.*', since, correlationId: 'checkout-1', dryRun: true } })).data).toEqual({
      matched: 1,
      replayed: 0,
      failed: [],
      dryRun: true,
    });
    expect((await b.POST('/v1/replay', { body: { tenant: 'tenant-a', events: 'shop.order.*', since } })).response.status).toBe(403);
    expect((await as('operator').POST('/v1/replay', { body: { events: 'shop.order.*', since } })).error?.errors?.[0]?.field).toBe('body.tenant');
    const deliveredBefore = sink.requests.filter((request) => request.id === 'order-1-paid').length;
    expect((await a.POST('/v1/replay', { body: { events: 'shop.order.*', since, correlationId: 'checkout-1' } })).data).toMatchObject({
      matched: 1,
      replayed: 1,
    });
    await waitFor(() => sink.requests.filter((request) => request.id === 'order-1-paid').length > deliveredBefore, {
      what: 'the replayed event at the sink',
      timeoutMs: 60_000,
    });
  });

  it('lets operators, and only them, read and set tenant limits', async () => {
    const operator = as('operator');
    expect(
      (await operator.PUT('/v1/tenant-limits/{tenant}', { params: { path: { tenant: 'tenant-a' } }, body: { ratePerSecond: 20, maxInFlight: 4 } })).data,
    ).toEqual({ tenant: 'tenant-a', limits: { ratePerSecond: 20, maxInFlight: 4 } });
    expect((await operator.GET('/v1/tenant-limits')).data?.items).toEqual([{ tenant: 'tenant-a', limits: { ratePerSecond: 20, maxInFlight: 4 } }]);
    const bad = await operator.PUT('/v1/tenant-limits/{tenant}', { params: { path: { tenant: 'tenant-a' } }, body: { burst: 5 } });
    expect(bad.error?.errors?.[0]?.field).toBe('body.burst');
    expect((await as('a').GET('/v1/tenant-limits')).response.status).toBe(403);
    expect((await as('a').PUT('/v1/tenant-limits/{tenant}', { params: { path: { tenant: 'tenant-a' } }, body: {} })).response.status).toBe(403);
    expect((await operator.PUT('/v1/tenant-limits/{tenant}', { params: { path: { tenant: 'tenant-a' } }, body: {} })).data?.limits).toEqual({});
  });

  it('lets operators, and only them, manage fan-out rules and sagas', async () => {
    const operator = as('operator');
    for (const name of ['charge', 'refund'])
      await operator.POST('/v1/subscriptions', { body: { name, tenant: 'tenant-a', events: 'never.*', target: webhook(name) } });
    const rule = await operator.PUT('/v1/fanout-rules', { body: { tenant: 'tenant-a', events: 'payment.*', strategy: 'primary', primary: 'charge' } });
    expect(rule.data).toMatchObject({ tenant: 'tenant-a', strategy: 'primary', primary: 'charge' });
    expect((await operator.PUT('/v1/fanout-rules', { body: { events: 'payment.*', strategy: 'primary' } })).error?.errors?.[0]?.field).toBe('body.primary');
    expect((await operator.GET('/v1/fanout-rules')).data?.items.map((item) => item.id)).toEqual([rule.data!.id]);
    expect((await operator.DELETE('/v1/fanout-rules/{id}', { params: { path: { id: rule.data!.id } } })).response.status).toBe(204);
    expect((await operator.DELETE('/v1/fanout-rules/{id}', { params: { path: { id: rule.data!.id } } })).response.status).toBe(404);

    const saga = await operator.PUT('/v1/sagas/{name}', {
      params: { path: { name: 'payment' } },
      body: { tenant: 'tenant-a', events: 'payment.requested', steps: [{ name: 'charge', target: 'charge', compensation: 'refund' }] },
    });
    expect(saga.data).toMatchObject({ name: 'payment', steps: [{ name: 'charge', target: 'charge', compensation: 'refund' }] });
    const unknownTarget = await operator.PUT('/v1/sagas/{name}', {
      params: { path: { name: 'bad' } },
      body: { events: 'x.y', steps: [{ name: 'ship', target: 'no-such-subscription' }] },
    });
    expect(unknownTarget.error?.errors?.[0]?.field).toBe('body.steps.0.target');
    expect((await operator.GET('/v1/sagas')).data?.items.map((item) => item.name)).toEqual(['payment']);
    expect((await as('a').GET('/v1/sagas')).response.status).toBe(403);
    expect((await as('a').PUT('/v1/fanout-rules', { body: { events: 'a.*', strategy: 'all' } })).response.status).toBe(403);
    expect((await operator.DELETE('/v1/sagas/{name}', { params: { path: { name: 'payment' } } })).response.status).toBe(204);
  });

  it('serves the event-type catalog to every key; only operators register and remove versions', async () => {
    const operator = as('operator');
    const schema = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };
    const saved = await operator.PUT('/v1/event-types/{type}/versions/{version}', {
      params: { path: { type: 'order.created', version: 1 } },
      body: { schema, description: 'An order was placed' },
    });
    expect(saved.data).toMatchObject({ type: 'order.created', version: 1, schema, deprecated: false });
    expect(
      (
        await operator.PUT('/v1/event-types/{type}/versions/{version}', {
          params: { path: { type: 'order.created', version: 2 } },
          body: { schema: { type: 'no-such-type' } },
        })
      ).error?.errors?.[0]?.field,
    ).toBe('body.schema');
    expect(
      (await as('a').PUT('/v1/event-types/{type}/versions/{version}', { params: { path: { type: 'order.created', version: 2 } }, body: { schema } })).response
        .status,
    ).toBe(403);
    expect((await as('b').GET('/v1/event-types')).data?.items.map((item) => `${item.type}@${item.version}`)).toEqual(['order.created@1']);
    expect((await as('a').GET('/v1/event-types/{type}', { params: { path: { type: 'order.created' } } })).data?.items[0]?.description).toBe(
      'An order was placed',
    );
    expect((await as('a').GET('/v1/event-types/{type}', { params: { path: { type: 'no.such' } } })).response.status).toBe(404);
    expect(
      (await as('a').DELETE('/v1/event-types/{type}/versions/{version}', { params: { path: { type: 'order.created', version: 1 } } })).response.status,
    ).toBe(403);
    expect(
      (await operator.DELETE('/v1/event-types/{type}/versions/{version}', { params: { path: { type: 'order.created', version: 1 } } })).response.status,
    ).toBe(204);
  });

  it('makes portal links that act as their tenant until they expire, and tells who a key is, its overview and its breakers', async () => {
    const operator = as('operator');
    expect((await as('a').POST('/v1/portal-links', { body: { tenant: 'tenant-a' } })).response.status).toBe(403);
    const link = await operator.POST('/v1/portal-links', { body: { tenant: 'tenant-a', expiresInSeconds: 600 } });
    expect(link.response.status).toBe(201);
    expect(link.data!.url).toBe(`${base}/console/#portal=${link.data!.token}`);
    expect(Date.parse(link.data!.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    const portal = as(undefined, link.data!.token);
    const me = await portal.GET('/v1/me');
    expect(me.data).toMatchObject({ scope: 'tenant', tenant: 'tenant-a', portalLinkExpiresAt: link.data!.expiresAt });
    expect((await operator.GET('/v1/me')).data).toMatchObject({ scope: 'operator', tenant: null, portalLinkExpiresAt: null });
    // The link sees what tenant-a's key sees, and nothing of tenant-b.
    const tenants = (await portal.GET('/v1/subscriptions', { params: { query: {} } })).data!.items.map((s) => s.tenant);
    expect(tenants.length).toBeGreaterThan(0);
    expect(new Set(tenants)).toEqual(new Set(['tenant-a']));
    expect((await portal.GET('/v1/status')).response.status).toBe(403);
    // A portal link's changes are audited as the link.
    const made = await portal.POST('/v1/subscriptions', { body: { name: 'portal-made', events: 'portal.*', target: webhook('portal') } });
    expect(made.response.status).toBe(201);
    const audit = await portal.GET('/v1/subscriptions/{id}/audit', { params: { path: { id: 'portal-made' }, query: {} } });
    expect(audit.data!.items[0]!.actor).toMatch(/^portal-link:/);
    const replayed = await portal.POST('/v1/subscriptions/{id}/disable', {
      params: { path: { id: 'portal-made' } },
      body: {},
      headers: { 'idempotency-key': 'k1' },
    });
    expect(replayed.error?.errors?.[0]?.field).toBe('header.idempotency-key');

    // Expired, tampered and foreign links.
    const expired = await as(undefined, await signedPortalToken(db.pool, { tenant: 'tenant-a', expiresAt: new Date(Date.now() - 60_000) })).GET('/v1/me');
    expect(expired.response.status).toBe(401);
    expect(expired.error).toMatchObject({ title: 'Portal link expired' });
    expect(expired.error!.detail).toMatch(/expired at .*Ask for a new one/);
    const tampered = link.data!.token!.replace(/\.(.)/, (_all, first: string) => `.${first === 'A' ? 'B' : 'A'}`);
    expect((await as(undefined, tampered).GET('/v1/me')).error).toMatchObject({ title: 'Unauthorized' });
    expect((await operator.POST('/v1/portal-links', { body: { tenant: 'tenant-a', expiresInSeconds: 10 } })).error?.errors?.[0]?.field).toBe(
      'body.expiresInSeconds',
    );

    // The overview and a breaker, in the key's scope.
    await db.pool.query(
      `INSERT INTO outbox.circuit_breakers (endpoint, state, consecutive_failures, failing_since, last_error) VALUES ($1, 'open', 12, now(), 'HTTP 503')`,
      [`webhook: http://127.0.0.1:9/portal`],
    );
    const overviewA = await portal.GET('/v1/overview');
    expect(overviewA.data!.lastHour).toHaveLength(60);
    expect(overviewA.data!.openBreakers).toEqual([
      {
        subscription: 'portal-made',
        endpoint: 'webhook: http://127.0.0.1:9/portal',
        state: 'open',
        failingSince: expect.any(String) as unknown,
        // The breaker is shared by every subscription to the endpoint: its text is for operators.
        lastError: null,
      },
    ]);
    const disabledOfA = (await as('a').GET('/v1/subscriptions', { params: { query: { limit: 200 } } }))
      .data!.items.filter((s) => !s.enabled)
      .map((s) => s.name);
    expect(disabledOfA.length).toBeGreaterThan(0);
    expect(overviewA.data!.disabledSubscriptions.map((s) => s.name).sort()).toEqual(disabledOfA.sort());
    expect((await as('b').GET('/v1/overview')).data!.openBreakers).toEqual([]);
    const all = await operator.GET('/v1/overview');
    expect(all.data!.lastHour.reduce((sum, minute) => sum + minute.failed, 0)).toBeGreaterThanOrEqual(
      overviewA.data!.lastHour.reduce((sum, m) => sum + m.failed, 0),
    );
    const breaker = await portal.GET('/v1/subscriptions/{id}/breaker', { params: { path: { id: 'portal-made' } } });
    expect(breaker.data).toMatchObject({ endpoint: 'webhook: http://127.0.0.1:9/portal', state: 'open', consecutiveFailures: 12, lastError: null });
    expect((await operator.GET('/v1/overview')).data!.openBreakers[0]?.lastError).toBe('HTTP 503');
    expect((await as('b').GET('/v1/subscriptions/{id}/breaker', { params: { path: { id: 'portal-made' } } })).response.status).toBe(404);
  });

  it('refuses a state-changing request from another site (CSRF), and writes nothing', async () => {
    const before = await db.pool.query(`SELECT count(*)::int AS n FROM outbox.subscriptions`);
    for (const headers of [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
      const answer = await fetch(`${base}/v1/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.operator}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ events: 'csrf.*', target: webhook('csrf') }),
      });
      expect(answer.status).toBe(403);
      expect(((await answer.json()) as { title: string }).title).toBe('Cross-site request refused');
    }
    // The console's own requests (same origin) and plain clients (no Origin) are let through.
    const own = await fetch(`${base}/v1/subscriptions/portal-made/enable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.operator}`, origin: base },
    });
    expect(own.status).toBe(200);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM outbox.subscriptions`)).rows[0]).toEqual(before.rows[0]);
  });

  it('lets operators open broker kinds to a tenant and revoke portal links (issue 31)', async () => {
    const operator = as('operator');
    expect((await operator.PUT('/v1/tenant-permissions/{tenant}', { params: { path: { tenant: 'tenant-b' } }, body: { targetKinds: ['nats'] } })).data).toEqual(
      {
        tenant: 'tenant-b',
        targetKinds: ['nats'],
      },
    );
    expect((await operator.GET('/v1/tenant-permissions')).data?.items).toEqual([{ tenant: 'tenant-b', targetKinds: ['nats'] }]);
    // The signing keys' JWKS is public: receivers fetch it without a key (none exists until a webhook signs with ed25519).
    const signingKeys = await as(undefined).GET('/v1/signing-keys');
    expect({ status: signingKeys.response.status, keys: signingKeys.data?.keys }).toEqual({ status: 200, keys: [] });
    const link = await operator.POST('/v1/portal-links', { body: { tenant: 'tenant-b', expiresInSeconds: 600 } });
    const revoked = await operator.POST('/v1/portal-links/revoke', { body: { id: link.data!.id } });
    expect(revoked.data).toMatchObject({ id: link.data!.id, revokedAt: expect.any(String) as unknown });
    expect((await as(undefined, link.data!.token).GET('/v1/me')).response.status).toBe(401);
  });

  it('has had every documented route called through the generated client', () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.filter((route) => !seen.has(route))).toEqual([]);
  });
});
