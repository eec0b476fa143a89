// Payload encryption in Temporal: a real `outbox start` process with OUTBOX_PAYLOAD_KEYS, its
// history read back with the raw `temporal` CLI (ciphertext only), decoded through the engine's
// codec endpoint with the token, and still decodable after a key rotation.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { freePort } from '../src/temporal/dev-server.js';
import { EncryptionCodec, parseEncryptionKeys, PayloadDecryptionError } from '../src/temporal/encryption-codec.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

const key = () => randomBytes(32).toString('base64');
const text = (value: string) => new TextEncoder().encode(value);

describe('encryption codec', () => {
  it('round-trips, decodes old keys after rotation and plain payloads, and refuses unknown keys and tampering', async () => {
    const [k1, k2] = [key(), key()];
    const before = new EncryptionCodec(parseEncryptionKeys(`k1:${k1}`));
    const after = new EncryptionCodec(parseEncryptionKeys(`k2:${k2},k1:${k1}`));
    const payload = { metadata: { encoding: text('json/plain') }, data: text('{"card":"4111"}') };
    const [sealed] = await before.encode([payload]);
    expect(Buffer.from(sealed!.data!).toString('utf8')).not.toContain('4111');
    expect(new TextDecoder().decode(sealed!.metadata!['encryption-key-id'])).toBe('k1');
    expect(Buffer.from((await after.decode([sealed!]))[0]!.data!).toString('utf8')).toBe('{"card":"4111"}');
    expect(new TextDecoder().decode((await after.encode([payload]))[0]!.metadata!['encryption-key-id'])).toBe('k2');
    expect((await after.decode([payload]))[0]).toBe(payload);
    await expect(new EncryptionCodec(parseEncryptionKeys(`k3:${key()}`)).decode([sealed!])).rejects.toThrow(PayloadDecryptionError);
    const tampered = { ...sealed!, data: Buffer.from(sealed!.data!).fill(1, 20, 21) };
    await expect(after.decode([tampered])).rejects.toThrow(/did not verify/);
    expect(() => parseEncryptionKeys('k1:short')).toThrow('key k1 must be 32 bytes');
  });
});

describe('codec endpoint for the Temporal Cloud UI (issue 32)', () => {
  it("decodes for the user's access token the Cloud UI passes (verified against a JWKS), answers its CORS preflight, and refuses other tokens", async () => {
    const { createServer } = await import('node:http');
    const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
    const { codecRoutes } = await import('../src/temporal/codec-endpoint.js');
    const { startHttpServer } = await import('../src/engine/http-server.js');
    const { testLogger } = await import('./helpers/engine-harness.js');
    const issuer = await generateKeyPair('RS256', { extractable: true });
    const impostor = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(issuer.publicKey)), kid: 'cloud', alg: 'RS256' };
    const jwks = createServer(
      (_request, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const codec = new EncryptionCodec(parseEncryptionKeys(`k1:${key()}`));
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      checks: [],
      logger: testLogger,
      routes: codecRoutes({
        codec,
        token: undefined,
        allowedOrigins: ['https://cloud.temporal.io'],
        jwksUrl: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`,
        jwtAudience: 'temporal-cloud-ui',
      }),
    });
    try {
      const url = `http://127.0.0.1:${server.address.port}/codec/decode`;
      const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://cloud.temporal.io', 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://cloud.temporal.io');
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('x-namespace');
      const [sealed] = await codec.encode([{ metadata: { encoding: text('json/plain') }, data: text('{"card":"4111"}') }]);
      const body = JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(Object.entries(sealed!.metadata!).map(([name, value]) => [name, Buffer.from(value).toString('base64')])),
            data: Buffer.from(sealed!.data!).toString('base64'),
          },
        ],
      });
      const token = (signer: typeof issuer.privateKey, audience = 'temporal-cloud-ui') =>
        new SignJWT({ email: 'operator@example.com' })
          .setProtectedHeader({ alg: 'RS256', kid: 'cloud' })
          .setAudience(audience)
          .setExpirationTime('5m')
          .sign(signer);
      const decode = async (bearer: string) =>
        fetch(url, {
          method: 'POST',
          body,
          headers: { origin: 'https://cloud.temporal.io', 'x-namespace': 'payments.a1b2c', authorization: `Bearer ${bearer}` },
        });
      const decoded = await decode(await token(issuer.privateKey));
      expect(decoded.status).toBe(200);
      const [plain] = ((await decoded.json()) as { payloads: { data: string }[] }).payloads;
      expect(Buffer.from(plain!.data, 'base64').toString('utf8')).toBe('{"card":"4111"}');
      expect((await decode(await token(impostor.privateKey))).status).toBe(401);
      expect((await decode(await token(issuer.privateKey, 'another-audience'))).status).toBe(401);
    } finally {
      await server.close();
      await new Promise((resolve) => jwks.close(resolve));
    }
  });
});

describe('encrypted histories', () => {
  let database: TestDatabase;
  let sink: WebhookSink;
  let engine: ChildProcess | undefined;
  const taskQueue = uniqueTaskQueue('codec');
  const [k1, k2] = [key(), key()];
  const token = randomBytes(24).toString('hex');
  let port: number;

  const start = async (keys: string) => {
    port = await freePort();
    engine = spawnCli(['start'], {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      OUTBOX_HTTP_PORT: String(port),
      OUTBOX_PAYLOAD_KEYS: keys,
      OUTBOX_CODEC_TOKEN: token,
    });
    engine.stdout?.resume();
    engine.stderr?.resume();
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, { what: 'the engine to be ready' });
  };
  const stop = async () => {
    const child = engine;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const show = (workflowId: string, extra: string[] = []) =>
    runCli(['temporal', '--', 'workflow', 'show', '--workflow-id', workflowId, '--output', 'json', ...extra], { TEMPORAL_ADDRESS: inject('temporalAddress') });
  /**
   * Every payload's encoding in a history, except search attributes (readable by design, for the
   * UI's filters), local-activity marker bookkeeping (`details.data`: the SDK's own activity
   * type, attempt and timestamps; the activity's result is `details.result`, encrypted) and patch
   * markers (`details.patch-data`: the patch id, written by the SDK core; checked below to hold
   * nothing else).
   */
  const encodings = (history: unknown): string[] => {
    const found: string[] = [];
    const path: string[] = [];
    const walk = (node: unknown, inSearchAttributes: boolean) => {
      if (!node || typeof node !== 'object') return;
      for (const [name, value] of Object.entries(node)) {
        const nested = inSearchAttributes || name === 'searchAttributes' || ((name === 'data' || name === 'patch-data') && path.at(-1) === 'details');
        path.push(name);
        if (name === 'metadata' && value && typeof value === 'object' && 'encoding' in value && !inSearchAttributes) {
          const encoding = Buffer.from(String((value as { encoding: string }).encoding), 'base64').toString('utf8');
          found.push(encoding);
        }
        walk(value, nested);
        path.pop();
      }
    };
    walk(history, false);
    return found;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    sink = await new WebhookSink().start();
    await addSubscription(database.db, {
      name: 'ledger',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
  });
  afterAll(async () => {
    await stop();
    await sink?.stop();
    await database?.drop();
  });

  it('stores only ciphertext in Temporal; the codec endpoint decodes for token holders, before and after a key rotation', async () => {
    await start(`k1:${k1}`);
    await enqueue(database.pool, {
      tenant: 'crypt',
      type: 'card.charged',
      payload: {},
      idempotencyKey: 'crypt-1',
      correlationId: 'corr-visible-only-decrypted',
    });
    await waitFor(async () => (await countEventsByStatus(database.db, { tenant: 'crypt' })).delivered === 1, { what: 'delivery with encryption on' });

    const raw = await show(database.workflowId('crypt', 'crypt-1'));
    expect(raw.code, raw.stderr).toBe(0);
    // The CLI prints payload data as base64: the memo's correlation id, JSON-encoded, in base64.
    const memoValue = Buffer.from(JSON.stringify('corr-visible-only-decrypted')).toString('base64');
    expect(raw.stdout).not.toContain(memoValue);
    const rawEncodings = encodings(JSON.parse(raw.stdout));
    expect(rawEncodings.length).toBeGreaterThan(3);
    expect(new Set(rawEncodings)).toEqual(new Set(['binary/encrypted']));
    // The only clear-text payloads left are patch markers, and they carry the patch id alone.
    const history = JSON.parse(raw.stdout) as { events: { markerRecordedEventAttributes?: { details?: Record<string, { payloads: { data: string }[] }> } }[] };
    const patchData = history.events.flatMap((event) => event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []);
    for (const payload of patchData)
      expect(Object.keys(JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as object).sort()).toEqual(['deprecated', 'id']);

    const codec = ['--codec-endpoint', `http://127.0.0.1:${port}/codec`];
    const refused = await show(database.workflowId('crypt', 'crypt-1'), codec);
    expect(refused.code).not.toBe(0);
    const decoded = await show(database.workflowId('crypt', 'crypt-1'), [...codec, '--codec-auth', `Bearer ${token}`]);
    expect(decoded.code, decoded.stderr).toBe(0);
    expect(decoded.stdout).toContain(memoValue);

    // Rotate: k2 encrypts from now on, k1 stays listed so older histories still decode.
    await stop();
    await start(`k2:${k2},k1:${k1}`);
    await enqueue(database.pool, { tenant: 'crypt', type: 'card.charged', payload: {}, idempotencyKey: 'crypt-2' });
    await waitFor(async () => (await countEventsByStatus(database.db, { tenant: 'crypt' })).delivered === 2, { what: 'delivery after the rotation' });
    const newer = JSON.stringify(JSON.parse((await show(database.workflowId('crypt', 'crypt-2'))).stdout));
    expect(newer).toContain(Buffer.from('k2').toString('base64'));
    const older = await show(database.workflowId('crypt', 'crypt-1'), [
      '--codec-endpoint',
      `http://127.0.0.1:${port}/codec`,
      '--codec-auth',
      `Bearer ${token}`,
    ]);
    expect(older.code, older.stderr).toBe(0);
    expect(older.stdout).toContain(memoValue);
  });

  it('keeps failure messages out of the history in clear: a target answer quoted in an error is encrypted too', async () => {
    if (!engine || engine.exitCode !== null) await start(`k1:${k1}`);
    const marker = `leaked-answer-${randomBytes(6).toString('hex')}`;
    const failing = await new WebhookSink().start();
    failing.responder = () => ({ status: 500, body: `upstream said ${marker}` });
    try {
      await addSubscription(database.db, {
        name: 'failing',
        tenant: 'leak',
        events: '*',
        target: { kind: 'webhook', config: { url: failing.url, secret: generateWebhookSecret() } },
        // A backoff longer than the first pass retries itself (2 s): attempt 2 is a regular
        // activity, whose failure Temporal records in the history.
        retryPolicy: { maximumAttempts: 2, initialInterval: '3s' },
      });
      await enqueue(database.pool, { tenant: 'leak', type: 'card.declined', payload: {}, idempotencyKey: 'leak-1' });
      const deadLetter = await waitFor(
        () =>
          database.db
            .selectFrom('outbox.dead_letters')
            .select('last_error')
            .where('tenant_id', '=', 'leak')
            .where('subscription_name', '=', 'failing')
            .executeTakeFirst(),
        { what: 'the failing delivery to be dead-lettered' },
      );
      // The engine's own record has the answer; Temporal's copy must not, in clear.
      expect(deadLetter.last_error).toContain(marker);
      const raw = await show(database.workflowId('leak', 'leak-1'));
      expect(raw.code, raw.stderr).toBe(0);
      expect(raw.stdout).toContain('failure');
      expect(raw.stdout).not.toContain(marker);
    } finally {
      await failing.stop();
    }
  });
});
