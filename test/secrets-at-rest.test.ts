// Subscription secrets at rest (issue 34 §1, §3): a webhook's signing secret, its secret headers
// and broker passwords are sealed with OUTBOX_SECRET_KEYS before they reach PostgreSQL; a dump
// of the table holds none of them in clear, every read shows them masked, and the worker opens
// them to send. `outbox secrets reseal` seals values stored before a key was set.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { parseEncryptionKeys } from '../src/secrets/encryption-keys.js';
import { SecretBox } from '../src/secrets/secret-box.js';
import { rotateWebhookSecret } from '../src/subscriptions/rotate-webhook-secret.js';
import { addSubscription, generateWebhookSecret, getSubscription, InvalidSubscriptionError } from '../src/subscriptions/subscription-store.js';
import { updateSubscription } from '../src/subscriptions/update-subscription.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink, type ReceivedRequest } from './helpers/webhook-sink.js';

// The worker of this file reads its keys from process.env, as a deployed one does.
const KEYS = `k1:${randomBytes(32).toString('base64')}`;
process.env.OUTBOX_SECRET_KEYS = KEYS;

describe('subscription secrets at rest', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  beforeAll(async () => {
    [engine, sink] = await Promise.all([startTestEngine(() => createTestDatabase(), { prefix: 'at-rest' }), new WebhookSink().start()]);
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
  });

  /** The whole table as text, as `pg_dump` would hold it. */
  const tableDump = async (): Promise<string> =>
    (await engine.database.pool.query<{ row: string }>('SELECT s::text AS row FROM outbox.subscriptions s')).rows.map((r) => r.row).join('\n');

  const deliver = async (key: string, type = 'invoice.paid'): Promise<ReceivedRequest> => {
    await enqueue(engine.database.pool, { tenant: 'acme', type, payload: { key }, idempotencyKey: key });
    return waitFor(() => sink.requests.find((request) => request.id === key), { what: `delivery of ${key}` });
  };

  it('stores the signing secret and secret headers sealed, shows them masked, and sends them opened', async () => {
    const { db } = engine.database;
    const secret = generateWebhookSecret();
    const apiKey = `key-${randomBytes(12).toString('hex')}`;
    const summary = await addSubscription(db, {
      name: 'invoices',
      tenant: 'acme',
      events: 'invoice.*',
      target: { kind: 'webhook', config: { url: sink.url, secret, headers: { 'X-Api-Key': apiKey, 'X-From-Env': 'env:OUTBOX_SECRET_NOT_STORED' } } },
    });
    expect(summary.secrets).toEqual([
      { field: 'target.config.secret', storage: 'encrypted' },
      { field: 'target.config.headers.X-Api-Key', storage: 'encrypted' },
      { field: 'target.config.headers.X-From-Env', storage: 'environment' },
    ]);
    const dump = await tableDump();
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(secret.slice('whsec_'.length));
    expect(dump).not.toContain(apiKey);
    expect(dump).toContain('sealed:v1:k1:');
    expect(JSON.stringify(await getSubscription(db, 'invoices'))).not.toContain(apiKey);

    process.env.OUTBOX_SECRET_NOT_STORED = 'from-the-environment';
    const request = await deliver('sealed-1');
    expect(request.headers['x-api-key']).toBe(apiKey);
    expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();

    // A rotation keeps both secrets sealed, and both still sign during the grace.
    const rotated = await rotateWebhookSecret(db, 'invoices', { graceMs: 60 * 60_000 });
    const after = await tableDump();
    expect(after).not.toContain(rotated.secret);
    expect(after).not.toContain(secret);
    const during = await deliver('sealed-2');
    expect(() => new Webhook(rotated.secret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
  });

  it('refuses a sealed value sent from outside, naming the field, and saves nothing', async () => {
    const { db } = engine.database;
    const forged = new SecretBox(parseEncryptionKeys(KEYS)).seal('copied from somewhere');
    const attempt = addSubscription(db, {
      name: 'forged',
      tenant: 'acme',
      events: 'x.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret(), headers: { 'X-Api-Key': forged } } },
    });
    await expect(attempt).rejects.toThrow(InvalidSubscriptionError);
    await expect(attempt).rejects.toThrow(/target\.config\.headers\.X-Api-Key: sealed values are written by the engine only.*Nothing was saved/);
    expect(await getSubscription(db, 'forged')).toBeUndefined();
    const update = updateSubscription(db, 'invoices', { target: { kind: 'webhook', config: { url: sink.url, secret: forged } } });
    await expect(update).rejects.toThrow(/target\.config\.secret: sealed values/);
  });

  it('seals secrets stored in clear (before a key was set) with `outbox secrets reseal`, and still delivers with them', async () => {
    const { db } = engine.database;
    const secret = generateWebhookSecret();
    const token = `token-${randomBytes(8).toString('hex')}`;
    await addSubscription(
      db,
      { name: 'legacy', tenant: 'acme', events: 'legacy.*', target: { kind: 'webhook', config: { url: sink.url, secret, headers: { 'X-Token': token } } } },
      {},
      { secrets: new SecretBox(undefined) },
    );
    expect((await getSubscription(db, 'legacy'))?.secrets.map((s) => s.storage)).toEqual(['clear', 'clear']);
    expect(await tableDump()).toContain(token);

    const env = operatorEnv(engine.database, engine.taskQueue, { OUTBOX_SECRET_KEYS: KEYS });
    const { code, stdout, stderr } = await runCli(['secrets', 'reseal'], env);
    expect(stderr).toMatch(/resealed 2\/2 subscriptions/);
    expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^1 of 2 subscription\(s\) resealed with key k1/) as unknown });
    expect(await tableDump()).not.toContain(token);
    expect((await getSubscription(db, 'legacy'))?.secrets.map((s) => s.storage)).toEqual(['encrypted', 'encrypted']);
    // A rerun has nothing left to do.
    expect((await runCli(['secrets', 'reseal'], env)).stdout).toMatch(/^0 of 2/);

    const request = await deliver('legacy-1', 'legacy.created');
    expect(request.headers['x-token']).toBe(token);
    expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();

    const withoutKey = await runCli(['secrets', 'reseal'], operatorEnv(engine.database, engine.taskQueue));
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toMatch(/no key to seal with: set OUTBOX_SECRET_KEYS/);
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(parseEncryptionKeys(`k1:${randomBytes(32).toString('base64')}`));

  it('opens what it sealed, and each seal differs', () => {
    const sealed = box.seal('whsec_abc');
    expect(sealed).toMatch(/^sealed:v1:k1:/);
    expect(box.seal('whsec_abc')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('whsec_abc');
  });

  it('names the key it lacks and refuses a tampered value, never echoing a secret', () => {
    const other = new SecretBox(parseEncryptionKeys(`k2:${randomBytes(32).toString('base64')}`));
    expect(() => other.open(box.seal('s3cret-value'))).toThrow(/sealed with key k1, which this process does not have: list it in OUTBOX_SECRET_KEYS/);
    const sameId = new SecretBox(parseEncryptionKeys(`k1:${randomBytes(32).toString('base64')}`));
    expect(() => sameId.open(box.seal('s3cret-value'))).toThrow(/does not verify/);
    try {
      sameId.open(box.seal('s3cret-value'));
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret-value');
    }
  });

  it('rotates: a box whose first key is new reseals values under the old one', () => {
    const old = `k1:${randomBytes(32).toString('base64')}`;
    const rotated = new SecretBox(parseEncryptionKeys(`k2:${randomBytes(32).toString('base64')},${old}`));
    const sealedOld = new SecretBox(parseEncryptionKeys(old)).seal('value');
    expect(rotated.needsResealing(sealedOld)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedOld));
    expect(resealed).toMatch(/^sealed:v1:k2:/);
    expect(rotated.needsResealing(resealed)).toBe(false);
    expect(new SecretBox(undefined).seal('value')).toBe('value');
  });
});
