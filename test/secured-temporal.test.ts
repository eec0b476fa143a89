// The engine against a secured Temporal (issue 32): bench/temporal-pg, a full Temporal server on
// PostgreSQL, started with frontend TLS requiring client certificates (mTLS), and another with TLS
// and `authorization: Bearer <JWT>` checked against a JWKS this test serves on loopback (the
// server's default JWT claim mapper and authorizer). The engine is configured the way every
// Temporal SDK and the CLI are (TEMPORAL_*, a TOML profile), through @temporalio/envconfig.
import { createServer, type Server } from 'node:http';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey as JoseKey } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPostgresTemporal } from '../bench/temporal-pg/server.mjs';
import { freePort } from '../src/temporal/dev-server.js';
import { ADMIN_DATABASE_URL, TEST_DATABASE_PREFIX } from './helpers/database-urls.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { makeTestCertificates, type TestCertificates } from './helpers/test-certificates.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

type Temporal = Awaited<ReturnType<typeof startPostgresTemporal>>;

/** `outbox start` as a child, its output kept, its /readyz on a port of its own. */
async function startEngine(env: Record<string, string>) {
  const port = await freePort();
  const child = spawnCli(['start'], { ...env, OUTBOX_HTTP_PORT: String(port), LOG_LEVEL: 'info' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readyz = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return response ? { status: response.status, body: await response.text() } : undefined;
  };
  return { child, port, output: () => output, exited, readyz, stop: () => child.kill('SIGKILL') };
}

const enqueueSql = (db: TestDatabase, tenant: string, count: number, prefix: string) =>
  db.pool.query(`SELECT outbox.enqueue($1, 'order.created', jsonb_build_object('n', n), $2 || n) FROM generate_series(1, $3) AS n`, [tenant, prefix, count]);

describe('a secured Temporal: mTLS', () => {
  let certs: TestCertificates;
  let temporal: Temporal;
  let db: TestDatabase;
  let sink: WebhookSink;
  const taskQueue = uniqueTaskQueue('mtls');
  const tlsEnv = (overrides: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    ...overrides,
  });

  beforeAll(async () => {
    certs = await makeTestCertificates();
    [db, sink] = await Promise.all([createTestDatabase(), new WebhookSink().start()]);
    const name = `${TEST_DATABASE_PREFIX}${inject('runId')}_mtls`;
    temporal = await startPostgresTemporal({
      adminUrl: ADMIN_DATABASE_URL,
      database: name,
      visibilityDatabase: `${name}_vis`,
      shards: 1,
      secured: true,
      extraArgs: ['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey, '--tls-client-ca', certs.ca],
    });
  });
  afterAll(async () => {
    await temporal?.stop();
    await sink?.stop();
    await db?.drop();
    await certs?.remove();
  });

  it('delivers 20 events enqueued by SQL over mTLS, and `outbox dlq list` works with the same variables', async () => {
    const env = tlsEnv();
    expect((await runCli(['subscriptions', 'add', '--name', 'hook', '--events', 'order.*', '--webhook', `${sink.url}/ok`], env)).code).toBe(0);
    const failing = await new WebhookSink().start();
    failing.responder = () => ({ status: 500 });
    expect(
      (await runCli(['subscriptions', 'add', '--name', 'down', '--tenant', 'dl', '--events', 'order.*', '--webhook', failing.url, '--max-attempts', '1'], env))
        .code,
    ).toBe(0);
    const engine = await startEngine(env);
    try {
      await waitFor(async () => (await engine.readyz())?.status === 200, { what: 'the engine ready over mTLS', describe: engine.output, timeoutMs: 90_000 });
      await enqueueSql(db, 'acme', 20, 'mtls-');
      await enqueueSql(db, 'dl', 1, 'dl-');
      const states = async () =>
        `${JSON.stringify((await db.pool.query(`SELECT status, count(*)::int AS n FROM outbox.events GROUP BY 1`)).rows)} ${engine.output().slice(-3000)}`;
      // The catch-all subscription delivers the dead-letter tenant's event too: count this tenant's.
      const mine = () => new Set(sink.requests.map((request) => request.id).filter((id) => id.startsWith('mtls-'))).size;
      await waitFor(() => mine() === 20, { what: '20 events delivered', describe: states });
      const listed = await waitFor(
        async () => {
          const result = await runCli(['dlq', 'list'], env);
          return result.stdout.includes('dl-1') ? result : undefined;
        },
        { what: 'the dead letter listed by `outbox dlq list` over mTLS' },
      );
      expect(listed.code).toBe(0);
      // And a command that signals through Temporal, over the same mTLS settings.
      const retried = await runCli(['dlq', 'retry', '--all', '--tenant', 'dl'], env);
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stdout).toMatch(/retry signalled for 1 dead letter/);
      expect(engine.output()).toContain('"tls":true');
    } finally {
      engine.stop();
      await failing.stop();
    }
  });

  it('without a client certificate the engine is not ready, says why once a minute, and claims nothing', async () => {
    const env = tlsEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: '', TEMPORAL_TLS_CLIENT_KEY_PATH: '' });
    const before = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox.events WHERE status = 'pending'`);
    await enqueueSql(db, 'nocert', 3, 'nocert-');
    const engine = await startEngine(env);
    try {
      const answer = await waitFor(async () => ((await engine.readyz())?.status === 503 ? engine.readyz() : undefined), {
        what: '/readyz answering 503',
        describe: engine.output,
      });
      expect(answer?.body).toMatch(/wants a client certificate.*TEMPORAL_TLS_CLIENT_CERT_PATH/);
      await waitFor(() => /wants a client certificate/.test(engine.output()), { what: 'the log line saying why' });
      // A few retries later, still one line (once a minute), and the rows untouched.
      await waitFor(() => (engine.output().match(/trying again/g) ?? []).length >= 1, { what: 'a retry' });
      expect((engine.output().match(/wants a client certificate/g) ?? []).length).toBe(1);
      const pending = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox.events WHERE status = 'pending'`);
      expect(pending.rows[0]!.n).toBe(before.rows[0]!.n + 3);
    } finally {
      engine.stop();
    }
  });

  it.each([
    ['a missing file', { TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/client.pem' }, /TEMPORAL_TLS_CLIENT_CERT_PATH=\/nonexistent\/client.pem: no such file/],
    ['a key that does not match its certificate', { TEMPORAL_TLS_CLIENT_KEY_PATH: 'STRANGER' }, /the key does not match the certificate/],
    ['an expired certificate', { TEMPORAL_TLS_CLIENT_CERT_PATH: 'EXPIRED_CERT', TEMPORAL_TLS_CLIENT_KEY_PATH: 'EXPIRED_KEY' }, /the certificate expired on/],
    ['an API key without TLS', { TEMPORAL_API_KEY: 'not-a-real-key', TEMPORAL_TLS: 'false' }, /TEMPORAL_API_KEY is set but TLS is off \(TEMPORAL_TLS\)/],
    [
      'a profile that does not exist',
      { TEMPORAL_PROFILE: 'nowhere', TEMPORAL_CONFIG_FILE: 'PROFILE_FILE' },
      /TEMPORAL_PROFILE=nowhere: no such profile in .*\(profiles there: prod\)/,
    ],
    [
      'a CA that does not sign the server',
      { TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'OTHER_CA' },
      /not signed by a CA this engine trusts; point TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
    ],
    [
      'a server name that does not match',
      { TEMPORAL_TLS_SERVER_NAME: 'elsewhere.test' },
      /not valid for the name this engine checks; set TEMPORAL_TLS_SERVER_NAME/,
    ],
  ])('refuses %s with one line naming the setting', async (_, overrides, line) => {
    const profileFile = join(certs.dir, 'temporal.toml');
    await writeFile(profileFile, `[profile.prod]\naddress = "${temporal.address}"\n`);
    const substitute: Record<string, string> = {
      STRANGER: certs.strangerKey,
      EXPIRED_CERT: certs.expiredCert,
      EXPIRED_KEY: certs.expiredKey,
      PROFILE_FILE: profileFile,
      OTHER_CA: certs.otherCa,
    };
    const env = tlsEnv(Object.fromEntries(Object.entries(overrides).map(([name, value]) => [name, substitute[value] ?? value])));
    if ('TEMPORAL_PROFILE' in overrides) delete (env as Record<string, string>).TEMPORAL_ADDRESS;
    // `outbox verify` connects to Temporal as every operator command does.
    const result = await runCli(['verify'], env);
    expect(result.code, result.stdout).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(result.stderr).not.toMatch(/BEGIN|PRIVATE KEY|not-a-real-key/);
  });

  it('picks up a renewed client certificate within a minute, without losing or duplicating an event', async () => {
    const clientCert = join(certs.dir, 'rotating.crt');
    const clientKey = join(certs.dir, 'rotating.key');
    await copyFile(certs.clientCert, clientCert);
    await copyFile(certs.clientKey, clientKey);
    const before = sink.requests.length;
    const engine = await startEngine(tlsEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: clientKey }));
    try {
      await waitFor(async () => (await engine.readyz())?.status === 200, { what: 'the engine ready', describe: engine.output, timeoutMs: 90_000 });
      // Events keep coming while the certificate is renewed in place (as cert-manager does).
      let sent = 0;
      const load = (async () => {
        for (let round = 0; round < 30; round += 1) {
          await enqueueSql(db, 'rotate', 2, `rotate-${round}-`);
          sent += 2;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await certs.renewClient(clientCert, clientKey);
      await waitFor(() => engine.output().includes('certificate or settings changed on disk'), { what: 'the engine to see the renewal', timeoutMs: 60_000 });
      await load;
      await waitFor(async () => (await engine.readyz())?.status === 200, { what: 'ready again with the new certificate', describe: engine.output });
      const rotated = sink.requests.slice(before).filter((request) => request.id.startsWith('rotate-'));
      await waitFor(
        () =>
          new Set(
            sink.requests
              .slice(before)
              .filter((request) => request.id.startsWith('rotate-'))
              .map((r) => r.id),
          ).size === sent,
        {
          what: `all ${sent} events delivered across the renewal`,
          describe: engine.output,
        },
      );
      const ids = sink.requests
        .slice(before)
        .filter((request) => request.id.startsWith('rotate-') && request.status === 200)
        .map((request) => request.id);
      expect(new Set(ids).size).toBe(sent);
      expect(ids.length, 'no event delivered twice').toBe(sent);
      expect(rotated.length).toBeLessThanOrEqual(sent);
    } finally {
      engine.stop();
    }
  });
});

describe('a secured Temporal: API keys (JWT bearer tokens)', () => {
  let certs: TestCertificates;
  let temporal: Temporal;
  let db: TestDatabase;
  let sink: WebhookSink;
  let jwks: Server;
  let signing: { privateKey: JoseKey; kid: string };
  let stranger: { privateKey: JoseKey; kid: string };
  const taskQueue = uniqueTaskQueue('apikey');
  const mint = (key: { privateKey: JoseKey; kid: string }, seconds: number) =>
    new SignJWT({ permissions: ['temporal-system:admin', 'default:admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject('outbox-engine')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
      .sign(key.privateKey);

  beforeAll(async () => {
    certs = await makeTestCertificates();
    [db, sink] = await Promise.all([createTestDatabase(), new WebhookSink().start()]);
    const pair = await generateKeyPair('RS256', { extractable: true });
    const other = await generateKeyPair('RS256', { extractable: true });
    signing = { privateKey: pair.privateKey, kid: 'engine-key' };
    stranger = { privateKey: other.privateKey, kid: 'engine-key' };
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: signing.kid, alg: 'RS256', use: 'sig' };
    jwks = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`;
    const name = `${TEST_DATABASE_PREFIX}${inject('runId')}_jwt`;
    temporal = await startPostgresTemporal({
      adminUrl: ADMIN_DATABASE_URL,
      database: name,
      visibilityDatabase: `${name}_vis`,
      shards: 1,
      secured: true,
      extraArgs: ['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey, '--auth-jwks-url', jwksUrl],
    });
  });
  afterAll(async () => {
    await temporal?.stop();
    await sink?.stop();
    await new Promise((resolve) => jwks?.close(resolve));
    await db?.drop();
    await certs?.remove();
  });

  const keyEnv = (key: string, overrides: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_API_KEY: key,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    ...overrides,
  });

  it('refuses a wrong key with a line that names TEMPORAL_API_KEY and never shows the key', async () => {
    const wrong = await mint(stranger, 600);
    const engine = await startEngine(keyEnv(wrong));
    try {
      await waitFor(() => /refused this engine's credentials; check TEMPORAL_API_KEY/.test(engine.output()), { what: 'the refusal', describe: engine.output });
      await waitFor(async () => (await engine.readyz())?.status === 503, { what: '/readyz answering 503' });
      expect(engine.output()).not.toContain(wrong);
      expect(engine.output()).not.toContain(wrong.split('.')[2]!);
    } finally {
      engine.stop();
    }
    const operator = await runCli(['verify'], keyEnv(wrong));
    expect(operator.code).not.toBe(0);
    expect(operator.stderr).toMatch(/TEMPORAL_API_KEY/);
    expect(operator.stderr).not.toContain(wrong);
  });

  it('delivers with a key from a TOML profile, and keeps delivering after the key is rotated in the file', async () => {
    // The first key expires a minute from now; the second is written over it meanwhile.
    const first = await mint(signing, 60);
    const second = await mint(signing, 3600);
    const profileFile = join(certs.dir, 'engine.toml');
    const profile = (key: string) =>
      `[profile.prod]\naddress = "${temporal.address}"\nnamespace = "default"\napi_key = "${key}"\n[profile.prod.tls]\nserver_ca_cert_path = "${certs.ca}"\nserver_name = "localhost"\n`;
    await writeFile(profileFile, profile(first));
    const env = { DATABASE_URL: db.url, TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_PROFILE: 'prod' };
    expect((await runCli(['subscriptions', 'add', '--name', 'hook', '--events', 'order.*', '--webhook', `${sink.url}/key`], env)).code).toBe(0);
    const engine = await startEngine(env);
    try {
      await waitFor(async () => (await engine.readyz())?.status === 200, { what: 'the engine ready with the key', describe: engine.output, timeoutMs: 90_000 });
      await enqueueSql(db, 'acme', 10, 'key-a-');
      await waitFor(() => sink.requests.filter((request) => request.id.startsWith('key-a-')).length === 10, {
        what: '10 events delivered',
        describe: engine.output,
      });
      await writeFile(profileFile, profile(second));
      await waitFor(() => engine.output().includes('the Temporal API key changed'), { what: 'the engine to take the new key', timeoutMs: 60_000 });
      // Past the first key's expiry only the rotated one works.
      const firstExpiry = (JSON.parse(Buffer.from(first.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
      await waitFor(() => Date.now() > firstExpiry + 2_000, {
        what: 'the first key to expire',
        timeoutMs: 90_000,
        intervalMs: 500,
      });
      await enqueueSql(db, 'acme', 10, 'key-b-');
      await waitFor(() => sink.requests.filter((request) => request.id.startsWith('key-b-')).length === 10, {
        what: '10 more after the rotation',
        describe: engine.output,
      });
      expect(engine.output()).not.toContain(first);
      expect(engine.output()).not.toContain(second);
    } finally {
      engine.stop();
    }
  });
});
