// Asymmetric webhook signatures (issue 34 §5): a subscription with `signing: ed25519` is signed
// with Standard Webhooks' v1a scheme; receivers verify with the public key from GET
// /v1/signing-keys alone: here with node:crypto (examples/verify-v1a/verify-v1a.mjs) and with Go's
// crypto/ed25519 (examples/verify-v1a/main.go), neither of which shares a line with the signer.
// A rotation keeps the old key signing and listed through its grace.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyV1a } from '../examples/verify-v1a/verify-v1a.mjs';
import { enqueue } from '../src/outbox/enqueue.js';
import { freePort } from '../src/temporal/dev-server.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink, type ReceivedRequest } from './helpers/webhook-sink.js';

type Jwks = { keys: { kid: string; crv: string; x: string; expiresAt: string | null }[] };
const GO_VERIFIER = fileURLToPath(new URL('../examples/verify-v1a/main.go', import.meta.url));

/** Runs the Go example over the requests, as JSON lines on stdin. */
function goVerify(jwksUrl: string, requests: ReceivedRequest[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'go',
      ['run', GO_VERIFIER, '-jwks', jwksUrl],
      { env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' } },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(requests.map((request) => JSON.stringify({ headers: request.headers, body: request.body })).join('\n'));
  });
}

describe('ed25519 (v1a) webhook signatures', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  let engine: ReturnType<typeof spawnCli>;
  let base: string;
  let output = '';
  const keys = `k1:${randomBytes(32).toString('base64')}`;
  const env = () => ({ DATABASE_URL: db.url, OUTBOX_SECRET_KEYS: keys });

  beforeAll(async () => {
    [db, sink] = await Promise.all([createTestDatabase(), new WebhookSink().start()]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    engine = spawnCli(['start'], {
      ...env(),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('v1a'),
      OUTBOX_HTTP_PORT: String(port),
      OUTBOX_SECRET_ENV_ALLOWLIST: '',
    });
    engine.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, { what: 'the engine to be ready', describe: () => output });
  });
  afterAll(async () => {
    engine?.kill('SIGKILL');
    await sink?.stop();
    await db?.drop();
  });

  const jwks = async (): Promise<{ status: number; cacheControl: string | null; body: Jwks }> => {
    const response = await fetch(`${base}/v1/signing-keys`);
    return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as Jwks };
  };
  const deliveries = (prefix: string) => sink.requests.filter((request) => request.id.startsWith(prefix));

  it('signs 50 events that receivers verify with the published public key alone, in Node and in Go', async () => {
    const added = await runCli(
      ['subscriptions', 'add', '--name', 'signed', '--tenant', 'acme', '--events', 'pay.*', '--webhook', sink.url, '--signing', 'ed25519'],
      env(),
    );
    expect(added.code, added.stderr).toBe(0);
    for (let n = 0; n < 50; n++) await enqueue(db.pool, { tenant: 'acme', type: 'pay.captured', payload: { n }, idempotencyKey: `pay-${n}` });
    await waitFor(() => deliveries('pay-').length >= 50 || undefined, { what: '50 deliveries', timeoutMs: 120_000 });

    const published = await jwks();
    expect(published.status).toBe(200);
    expect(published.cacheControl).toMatch(/^public, max-age=\d+$/);
    expect(published.body.keys).toHaveLength(1);
    const received = deliveries('pay-');
    for (const request of received) {
      expect(String(request.headers['webhook-signature'])).toMatch(/^v1a,[A-Za-z0-9+/]+={0,2}$/);
      expect(() => verifyV1a(published.body, request.headers, request.body)).not.toThrow();
    }
    // A tampered body does not verify.
    expect(() => verifyV1a(published.body, received[0]!.headers, received[0]!.body.replace('captured', 'refunded'))).toThrow(/no v1a signature verifies/);
    const go = await goVerify(`${base}/v1/signing-keys`, received);
    expect(go, go.stderr).toMatchObject({ code: 0, stdout: `verified ${received.length}\n` });
    // The private key is stored sealed.
    const { rows } = await db.pool.query<{ private_key: string }>('SELECT private_key FROM outbox.signing_keys');
    expect(rows.map((row) => row.private_key.slice(0, 13))).toEqual(['sealed:v1:k1:']);
  });

  it('sends both signatures with `both`, the v1 one verifying with the stock HMAC verifier', async () => {
    const added = await runCli(
      ['subscriptions', 'add', '--name', 'both', '--tenant', 'acme', '--events', 'dual.*', '--webhook', sink.url, '--signing', 'both', '--json'],
      env(),
    );
    expect(added.code, added.stderr).toBe(0);
    const secret = (JSON.parse(added.stdout) as { secret: string }).secret;
    await enqueue(db.pool, { tenant: 'acme', type: 'dual.sent', payload: { n: 1 }, idempotencyKey: 'dual-1' });
    const request = await waitFor(() => deliveries('dual-1')[0], { what: 'the dual-signed delivery' });
    expect(
      String(request.headers['webhook-signature'])
        .split(' ')
        .map((signature) => signature.split(',')[0]),
    ).toEqual(['v1', 'v1a']);
    expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    const published = (await jwks()).body;
    expect(() => verifyV1a(published, request.headers, request.body)).not.toThrow();
  });

  it('keeps the old key signing and published through a rotation, so receivers verify across it', async () => {
    const before = (await jwks()).body;
    const rotated = await runCli(['signing-keys', 'rotate', '--grace', '1h'], env());
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(new RegExp(`${before.keys[0]!.kid} keeps signing and stays listed for 1h`));
    const during = (await jwks()).body;
    expect(during.keys.map((key) => key.kid)).toEqual([expect.not.stringMatching(before.keys[0]!.kid) as unknown, before.keys[0]!.kid]);
    expect(during.keys[1]!.expiresAt).not.toBeNull();
    // Workers read keys at most every 30 s: deliveries carry two signatures once they have.
    let n = 0;
    const twoSigned = await waitFor(
      async () => {
        const key = `rot-${n++}`;
        await enqueue(db.pool, { tenant: 'acme', type: 'pay.rotated', payload: { key }, idempotencyKey: key });
        const request = await waitFor(() => deliveries(key)[0], { what: `delivery of ${key}` });
        return String(request.headers['webhook-signature']).split(' ').length === 2 ? request : undefined;
      },
      { what: 'a delivery signed with both keys', timeoutMs: 90_000, intervalMs: 2_000 },
    );
    // A receiver that knows only the old key, and one that knows only the new, both accept it.
    expect(() => verifyV1a({ keys: [during.keys[1]!] }, twoSigned.headers, twoSigned.body)).not.toThrow();
    expect(() => verifyV1a({ keys: [during.keys[0]!] }, twoSigned.headers, twoSigned.body)).not.toThrow();

    // A rotation without grace retires the old keys at once: they leave the list.
    expect((await runCli(['signing-keys', 'rotate', '--grace', '0s'], env())).code).toBe(0);
    expect((await jwks()).body.keys).toHaveLength(1);
  });
});
