// The security review of 2026-12-07 (issue 31), against a real `outbox start`: what a tenant's
// key could reach or learn that it should not, and the answers that were 500s. Each test names
// its finding. The engine runs with a strict address policy except the name `localhost`, so a
// tenant's webhook can reach this test's sinks while 127.0.0.1 and 169.254.169.254 stay refused.
import { connect } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/temporal/dev-server.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

interface Answer {
  status: number;
  body: Record<string, unknown> & { errors?: { field: string; message: string }[]; detail?: string; items?: Record<string, unknown>[] };
  headers: Headers;
}

describe('tenant boundaries (issue 31)', () => {
  let db: TestDatabase;
  let base: string;
  let engine: ReturnType<typeof spawnCli>;
  let failing: WebhookSink;
  let healthy: WebhookSink;
  let log = '';
  const keys = { operator: '', a: '', b: '' };
  const env = () => ({ DATABASE_URL: db.url });

  async function call(who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const key = who in keys ? keys[who as keyof typeof keys] : who;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {}, headers: response.headers };
  }
  const webhook = (sink: WebhookSink, path: string) => ({
    kind: 'webhook',
    config: { url: `${sink.url.replace('127.0.0.1', 'localhost')}/${path}?token=internal` },
  });

  beforeAll(async () => {
    [db, failing, healthy] = await Promise.all([createTestDatabase(), new WebhookSink().start(), new WebhookSink().start()]);
    failing.responder = () => ({ status: 500, body: 'operator-internal-detail' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    engine = spawnCli(['start'], {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('bounds'),
      OUTBOX_HTTP_PORT: String(port),
      OUTBOX_ALLOW_PRIVATE_TARGETS: 'localhost',
      LOG_LEVEL: 'info',
    });
    engine.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    engine.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, { what: 'the engine to be ready', describe: () => log.slice(-2000) });
    for (const [who, flags] of [
      ['operator', ['--operator']],
      ['a', ['--tenant', 'acme']],
      ['b', ['--tenant', 'globex']],
    ] as const) {
      const { stdout, code } = await runCli(['api-keys', 'create', ...flags], env());
      expect(code).toBe(0);
      keys[who] = stdout.trim();
    }
  });
  afterAll(async () => {
    engine?.kill('SIGKILL');
    await Promise.all([failing?.stop(), healthy?.stop()]);
    await db?.drop();
  });

  it('1. keeps broker targets from tenant keys unless an operator opens them, and then still through the address policy', async () => {
    const redis = (url: string, extra: object = {}) => ({
      name: 'a-redis',
      events: '*',
      target: { kind: 'redis-stream', config: { url, stream: 's', ...extra } },
    });
    const refused = await call('a', 'POST', '/v1/subscriptions', redis('redis://:secretpass@127.0.0.1:16379/0'));
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.field).toBe('body.target.kind');
    for (const [kind, config] of Object.entries({
      nats: { url: 'nats://broker.example.com:4222', subject: 's' },
      rabbitmq: { url: 'amqp://broker.example.com' },
      mqtt: { url: 'mqtt://broker.example.com', topic: 't' },
      kafka: { brokers: ['broker.example.com:9092'], topic: 't' },
    })) {
      const other = await call('a', 'POST', '/v1/subscriptions', { events: '*', target: { kind, config } });
      expect(other.status, kind).toBe(403);
    }
    // The database refuses the tenant's role the same row, whatever route code does.
    await expect(
      db.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL ROLE outbox_tenant_api`.execute(trx);
        await sql`SELECT set_config('app.tenant_id', 'acme', true)`.execute(trx);
        await sql`INSERT INTO outbox.subscriptions (name, tenant_id, event_pattern, target_kind, target_config) VALUES ('sneaky-redis', 'acme', '*', 'redis-stream', '{"url": "redis://10.0.0.1", "stream": "s"}')`.execute(
          trx,
        );
      }),
    ).rejects.toThrow(/row-level security/);
    expect((await call('a', 'PUT', '/v1/tenant-permissions/acme', { targetKinds: ['redis-stream'] })).status).toBe(403);
    const opened = await call('operator', 'PUT', '/v1/tenant-permissions/acme', { targetKinds: ['redis-stream'] });
    expect(opened.body).toEqual({ tenant: 'acme', targetKinds: ['redis-stream'] });
    expect((await call('operator', 'PUT', '/v1/tenant-permissions/acme', { targetKinds: ['webhook'] })).status).toBe(400);
    for (const url of ['redis://:secretpass@127.0.0.1:16379/0', 'redis://169.254.169.254', 'redis://[::127.0.0.1]:6379']) {
      const internal = await call('a', 'POST', '/v1/subscriptions', redis(url));
      expect(internal.status, url).toBe(400);
      expect(internal.body.errors?.[0]?.field).toBe('body.target.config.url');
      expect(JSON.stringify(internal.body)).not.toContain('secretpass');
    }
    const optIn = await call('a', 'POST', '/v1/subscriptions', redis('redis://127.0.0.1:6379', { allowPrivateAddresses: true }));
    expect(optIn.status).toBe(403);
    expect(optIn.body.errors?.[0]?.field).toBe('body.target.config.allowPrivateAddresses');
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox.subscriptions WHERE target_kind <> 'webhook'`.execute(db.db)).rows[0]!.n).toBe(0);
    const cli = await runCli(['tenant-permissions', 'list'], env());
    expect(cli.stdout).toContain('acme: redis-stream');
  });

  it("2. hides an operator's all-tenant subscription from tenants: its dead letters, attempts and routes; refuses their retry and discard; records who acted", async () => {
    const ops = await call('operator', 'POST', '/v1/subscriptions', {
      name: 'ops-audit-feed',
      events: 'audit.*',
      target: webhook(failing, 'ops'),
      retryPolicy: { maximumAttempts: 1 },
    });
    expect(ops.status).toBe(201);
    const ownSink = await new WebhookSink().start();
    ownSink.responder = () => ({ status: 500, body: 'acme-own-answer' });
    const own = await call('a', 'POST', '/v1/subscriptions', {
      name: 'acme-audit',
      events: 'audit.*',
      target: webhook(ownSink, 'acme'),
      retryPolicy: { maximumAttempts: 1 },
    });
    expect(own.status).toBe(201);
    const eventId = await enqueue(db.pool, { tenant: 'acme', type: 'audit.logged', payload: { n: 1 }, idempotencyKey: 'audit-1' });
    await waitFor(
      async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox.dead_letters WHERE event_id = ${eventId}`.execute(db.db)).rows[0]!.n === 2,
      {
        what: 'both routes dead-lettered',
      },
    );
    const letters = await call('a', 'GET', '/v1/dead-letters');
    expect(letters.body.items?.map((item) => item.subscription)).toEqual(['acme-audit']);
    const attempts = await call('a', 'GET', `/v1/deliveries?eventId=${eventId}`);
    expect(attempts.body.items?.map((item) => item.target)).toEqual([expect.stringContaining('/acme')]);
    const detail = await call('a', 'GET', `/v1/events/${eventId}`);
    expect((detail.body.routes as { subscription: string }[]).map((route) => route.subscription)).toEqual(['acme-audit']);
    for (const answer of [letters, attempts, detail]) {
      expect(JSON.stringify(answer.body)).not.toContain('ops-audit-feed');
      expect(JSON.stringify(answer.body)).not.toContain('operator-internal-detail');
      expect(JSON.stringify(answer.body)).not.toContain('token=internal');
    }
    const opsLetter = (await call('operator', 'GET', '/v1/dead-letters')).body.items!.find((item) => item.subscription === 'ops-audit-feed')!;
    expect((await call('a', 'POST', `/v1/dead-letters/${String(opsLetter.id)}/discard`, { reason: 'mine now' })).status).toBe(404);
    expect((await call('a', 'POST', '/v1/dead-letters/discard', { reason: 'all of them' })).body).toMatchObject({ matched: 1 });
    // The operator retries theirs; the dead letter and the action log name the key.
    failing.responder = () => ({ status: 200 });
    expect((await call('operator', 'POST', `/v1/dead-letters/${String(opsLetter.id)}/retry`, {})).body).toMatchObject({ matched: 1, signalled: 1 });
    const operatorKeyId = (await sql<{ id: string }>`SELECT id::text FROM outbox.api_keys WHERE scope = 'operator'`.execute(db.db)).rows[0]!.id;
    const resolved = await waitFor(
      async () =>
        (await db.db.selectFrom('outbox.dead_letters').select(['resolution', 'resolved_by']).where('id', '=', String(opsLetter.id)).executeTakeFirst())
          ?.resolved_by,
      { what: 'the retried dead letter to name who retried it' },
    );
    expect(resolved).toBe(`api-key:${operatorKeyId}`);
    await ownSink.stop();
    const actions = await db.db.selectFrom('outbox.operator_actions').select(['action', 'actor', 'tenant_id', 'matched']).orderBy('id').execute();
    expect(actions).toEqual([
      { action: 'discard', actor: expect.stringMatching(/^api-key:/) as unknown, tenant_id: 'acme', matched: 1 },
      { action: 'retry', actor: `api-key:${operatorKeyId}`, tenant_id: null, matched: 1 },
    ]);
  });

  it('3. bounds what a tenant key may set: timeouts, attempts and intervals', async () => {
    const base = { events: 'bounded.*', target: webhook(healthy, 'bounded') };
    const slow = await call('a', 'POST', '/v1/subscriptions', { ...base, target: { kind: 'webhook', config: { ...base.target.config, timeoutMs: 600_000 } } });
    expect(slow.status).toBe(400);
    expect(slow.body.errors?.map((error) => error.field)).toEqual(['body.target.config.timeoutMs']);
    const relentless = await call('a', 'POST', '/v1/subscriptions', { ...base, retryPolicy: { maximumAttempts: 10_000, initialInterval: '1ms' } });
    expect(relentless.body.errors?.map((error) => error.field)).toEqual(['body.retryPolicy.maximumAttempts', 'body.retryPolicy.initialInterval']);
    const fine = await call('a', 'POST', '/v1/subscriptions', { ...base, name: 'acme-bounded', retryPolicy: { maximumAttempts: 50, initialInterval: '1s' } });
    expect(fine.status).toBe(201);
    const patched = await call('a', 'PATCH', '/v1/subscriptions/acme-bounded', { retryPolicy: { schedule: 'custom', delays: ['10ms'] } });
    expect(patched.body.errors?.map((error) => error.field)).toEqual(['body.retryPolicy.delays']);
    // An operator may set anything the schema allows.
    expect((await call('operator', 'PATCH', '/v1/subscriptions/acme-bounded', { retryPolicy: { maximumAttempts: 500 } })).status).toBe(200);
  });

  it('3. test sends: one attempt of at most 10 s each, two under way per tenant (429 beyond), and another tenant keeps delivering meanwhile', async () => {
    const silent = await new WebhookSink().start();
    silent.responder = () => ({ status: 200, delayMs: 120_000 });
    try {
      expect((await call('a', 'POST', '/v1/subscriptions', { name: 'acme-silent', events: 'never.*', target: webhook(silent, 'silent') })).status).toBe(201);
      expect((await call('b', 'POST', '/v1/subscriptions', { name: 'globex-live', events: 'order.*', target: webhook(healthy, 'globex') })).status).toBe(201);
      const tests = Array.from({ length: 6 }, () => call('a', 'POST', '/v1/subscriptions/acme-silent/test', {}));
      // Two reach the endpoint and hang there; the others are turned away at once.
      await waitFor(() => silent.requests.length === 2, { what: 'two test sends hanging at the silent endpoint' });
      await enqueue(db.pool, { tenant: 'globex', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'globex-during-tests' });
      await waitFor(() => healthy.requests.some((request) => request.id === 'globex-during-tests'), { what: "globex's event delivered" });
      const answers = await Promise.all(tests);
      // Globex was delivered while acme's tests still hung (they answer only once their 10 s are up).
      expect(answers.filter((answer) => answer.status === 429)).toHaveLength(4);
      expect(answers.find((answer) => answer.status === 429)?.headers.get('retry-after')).toBe('5');
      const done = answers.filter((answer) => answer.status !== 429);
      expect(done.map((answer) => answer.status)).toEqual([200, 200]);
      for (const answer of done) expect((answer.body.attempt as { error: string }).error).toMatch(/did not answer before the timeout/);
      const testEvents = await sql<{ attempts: number }>`
        SELECT count(d.id)::int AS attempts FROM outbox.events e JOIN outbox.deliveries d ON d.event_id = e.id WHERE e.event_type = 'outbox.test' GROUP BY e.id`.execute(
        db.db,
      );
      expect(testEvents.rows.map((row) => row.attempts)).toEqual([1, 1]);
      expect(silent.requests).toHaveLength(2);
    } finally {
      await silent.stop();
    }
  });

  it('4. counts a replay dry run without reading every row, and refuses more than 10 000 events before reading them', async () => {
    await sql`
      INSERT INTO outbox.events (tenant_id, event_type, idempotency_key, payload, status, workflow_id, dispatched_at, finished_at)
      SELECT 'globex', 'bulk.loaded', 'bulk-' || n, '{}'::jsonb, 'delivered', 'wf-' || n, now(), now() FROM generate_series(1, 10050) AS n`.execute(db.db);
    const everything = await call('b', 'POST', '/v1/replay', { events: '*', since: '2000-01-01T00:00:00Z', dryRun: true });
    expect(everything.status).toBe(422);
    expect(everything.body.detail).toContain('more than 10000');
    const narrow = await call('b', 'POST', '/v1/replay', { events: 'order.*', since: '2000-01-01T00:00:00Z', dryRun: true });
    expect(narrow.body).toMatchObject({ matched: 1, dryRun: true });
  });

  it('5. lets a tenant rotate its own secret and change its target (the breaker trigger runs as the owner)', async () => {
    expect((await call('a', 'POST', '/v1/subscriptions', { name: 'acme-rotating', events: 'rot.*', target: webhook(healthy, 'rot') })).status).toBe(201);
    const rotated = await call('a', 'POST', '/v1/subscriptions/acme-rotating/rotate-secret', { graceSeconds: 60 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    const target = webhook(healthy, 'moved');
    const moved = await call('a', 'PATCH', '/v1/subscriptions/acme-rotating', {
      target: { ...target, config: { ...target.config, secret: rotated.body.secret } },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.target).toContain('/moved');
  });

  it('6. resolves one subscription per reference, refuses names that read as ids, keeps names per tenant, and hides shared breaker text', async () => {
    expect((await call('a', 'POST', '/v1/subscriptions', { name: '3', events: 'x.*', target: webhook(healthy, 'x') })).body.errors?.[0]?.field).toBe(
      'body.name',
    );
    // Names are per tenant: globex may use acme's name, and its 409 would say nothing of acme's.
    expect((await call('b', 'POST', '/v1/subscriptions', { name: 'acme-bounded', events: 'x.*', target: webhook(healthy, 'x') })).status).toBe(201);
    const ambiguous = await call('operator', 'POST', '/v1/subscriptions/acme-bounded/disable', {});
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.detail).toMatch(/acme\/acme-bounded.*globex\/acme-bounded/);
    const exact = await call('operator', 'POST', '/v1/subscriptions/globex%2Facme-bounded/disable', {});
    expect(exact.body).toMatchObject({ tenant: 'globex', enabled: false });
    expect((await call('operator', 'GET', '/v1/subscriptions/acme%2Facme-bounded')).body.enabled).toBe(true);
    const taken = await call('a', 'POST', '/v1/subscriptions', { name: 'acme-bounded', events: 'x.*', target: webhook(healthy, 'x') });
    expect(taken.status).toBe(409);
    // The breaker of an endpoint is shared: a tenant sees its state, never its last answer.
    const shown = (await call('a', 'GET', '/v1/subscriptions/acme-bounded')).body.target as string;
    await sql`INSERT INTO outbox.circuit_breakers (endpoint, state, consecutive_failures, last_error, failing_since)
              VALUES (${`webhook: ${shown}`}, 'open', 9, 'another tenant''s secret answer', now())
              ON CONFLICT (endpoint) DO UPDATE SET state = 'open', last_error = excluded.last_error`.execute(db.db);
    const breaker = await call('a', 'GET', '/v1/subscriptions/acme-bounded/breaker');
    expect(breaker.body).toMatchObject({ state: 'open', lastError: null });
    expect((await call('operator', 'GET', '/v1/subscriptions/acme%2Facme-bounded/breaker')).body.lastError).toBe("another tenant's secret answer");
  });

  it('6. pages the audit in id order across the tenth entry', async () => {
    for (let index = 0; index < 11; index += 1) await call('a', 'POST', '/v1/subscriptions/acme-bounded/disable', { reason: `r${index}` });
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const page = await call('a', 'GET', `/v1/subscriptions/acme-bounded/audit?limit=4${cursor}`);
      seen.push(...page.body.items!.map((item) => String(item.id)));
      if (!page.body.nextCursor) break;
      cursor = `&cursor=${page.body.nextCursor as string}`;
    }
    const all = (
      await sql<{
        id: string;
      }>`SELECT a.id::text AS id FROM outbox.subscription_audit a WHERE a.subscription = 'acme-bounded' AND a.tenant_id = 'acme' ORDER BY a.id`.execute(db.db)
    ).rows;
    expect(seen).toEqual(all.map((row) => row.id));
    expect(seen.length).toBeGreaterThan(11);
  });

  it('6. answers ids, cursors and JSON out of range with 400, and a raw request line without a key with 401', async () => {
    const tooBig = await call('a', 'GET', '/v1/events/9999999999999999999');
    expect(tooBig.status).toBe(400);
    expect(tooBig.headers.get('content-type')).toContain('application/problem+json');
    const cursor = Buffer.from(JSON.stringify({ after: '99999999999999999999' })).toString('base64url');
    expect((await call('a', 'GET', `/v1/events?cursor=${cursor}`)).status).toBe(400);
    expect((await call('a', 'GET', '/v1/deliveries?eventId=9999999999999999999')).status).toBe(400);
    const deep = `{"events":"x.*","target":{"kind":"webhook","config":{}},"filter":${'{"$not":'.repeat(5000)}{}${'}'.repeat(5000)}}`;
    const nested = await call('a', 'POST', '/v1/subscriptions', deep);
    expect(nested.status).toBe(400);
    expect(nested.body.detail).toContain('deeper than 32 levels');
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1', () =>
        socket.write('GET http://evil.example/v1/subscriptions HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
    });
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(log.split('\n').filter((line) => /answered 500/.test(line))).toEqual([]);
  });

  it('7. keeps no shown-once secret in the Idempotency-Key store, and purges answers after their day', async () => {
    await sql`INSERT INTO outbox.api_idempotency (api_key_id, idempotency_key, request_hash, status, response, created_at)
              SELECT id, 'stale', '\\x00', 200, '{}', now() - interval '25 hours' FROM outbox.api_keys WHERE scope = 'operator'`.execute(db.db);
    const created = await call(
      'a',
      'POST',
      '/v1/subscriptions',
      { name: 'acme-idem', events: 'x.*', target: webhook(healthy, 'idem') },
      { 'idempotency-key': 'k1' },
    );
    expect(created.body.secret).toMatch(/^whsec_/);
    const replayed = await call(
      'a',
      'POST',
      '/v1/subscriptions',
      { name: 'acme-idem', events: 'x.*', target: webhook(healthy, 'idem') },
      { 'idempotency-key': 'k1' },
    );
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.secret).toBeUndefined();
    const kept = await sql<{ response: string; key: string }>`SELECT response::text, idempotency_key AS key FROM outbox.api_idempotency`.execute(db.db);
    expect(kept.rows.map((row) => row.key)).toEqual(['k1']);
    expect(kept.rows[0]!.response).not.toContain('whsec_');
  });

  it('7. refuses reserved header names and control characters in webhook headers', async () => {
    for (const name of ['Host', 'Webhook-Signature', 'content-length', 'Transfer-Encoding']) {
      const answer = await call('a', 'POST', '/v1/subscriptions', {
        events: 'x.*',
        target: { kind: 'webhook', config: { ...webhook(healthy, 'h').config, headers: { [name]: 'x' } } },
      });
      expect(answer.status, name).toBe(400);
      expect(answer.body.detail).toContain('cannot be overridden');
    }
  });

  it('7. revokes portal links by id and by tenant, and never builds their address from the Host header', async () => {
    const made = await call('operator', 'POST', '/v1/portal-links', { tenant: 'acme', expiresInSeconds: 3600 }, { host: 'evil.example' });
    expect(made.status).toBe(201);
    expect(String(made.body.url).startsWith(`${base}/console/#portal=`)).toBe(true);
    expect(String(made.body.url)).not.toContain('evil.example');
    const other = await call('operator', 'POST', '/v1/portal-links', { tenant: 'acme', expiresInSeconds: 3600 });
    const link = String(made.body.token);
    expect((await call(link, 'GET', '/v1/me')).status).toBe(200);
    expect((await call('operator', 'POST', '/v1/portal-links/revoke', { id: made.body.id })).status).toBe(200);
    const revoked = await call(link, 'GET', '/v1/me');
    expect(revoked.status).toBe(401);
    expect(revoked.body.title).toBe('Portal link revoked');
    expect((await call(String(other.body.token), 'GET', '/v1/me')).status).toBe(200);
    expect((await runCli(['portal-link-revoke', '--tenant', 'acme'], env())).code).toBe(0);
    expect((await call(String(other.body.token), 'GET', '/v1/me')).status).toBe(401);
    const after = await call('operator', 'POST', '/v1/portal-links', { tenant: 'acme', expiresInSeconds: 3600 });
    expect((await call(String(after.body.token), 'GET', '/v1/me')).status).toBe(200);
  });

  it('7. answers every API request with Cache-Control: no-store', async () => {
    for (const path of ['/v1/subscriptions', '/v1/me', '/v1/overview', '/v1/dead-letters']) {
      expect((await call('a', 'GET', path)).headers.get('cache-control'), path).toBe('no-store');
    }
  });
});
