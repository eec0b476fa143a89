// Signing-secret rotation (issue 16 §4): during the grace period every delivery carries a
// signature from the new secret and one from the old (Standard Webhooks allows several,
// space-separated), so the stock verifier accepts it with either; after it, only the new one.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { rotateWebhookSecret } from '../src/subscriptions/rotate-webhook-secret.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink, type ReceivedRequest } from './helpers/webhook-sink.js';

const verifies = (secret: string, request: ReceivedRequest): boolean => {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe('webhook secret rotation', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  beforeAll(async () => {
    [engine, sink] = await Promise.all([startTestEngine(() => createTestDatabase(), { prefix: 'rotation' }), new WebhookSink().start()]);
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
  });

  const deliver = async (key: string): Promise<ReceivedRequest> => {
    await enqueue(engine.database.pool, { tenant: 'acme', type: 'invoice.paid', payload: { key }, idempotencyKey: key });
    return waitFor(() => sink.requests.find((request) => request.id === key), { what: `delivery of ${key}` });
  };

  it('signs with the new and the old secret during the grace period, and with the new one only after it', async () => {
    const { db } = engine.database;
    const original = generateWebhookSecret();
    await addSubscription(db, {
      name: 'invoices',
      tenant: 'acme',
      events: 'invoice.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: original } },
    });
    const before = await deliver('before-rotation');
    expect(verifies(original, before)).toBe(true);

    const rotated = await rotateWebhookSecret(db, 'invoices', { graceMs: 60 * 60_000 });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(original);
    const during = await deliver('during-grace');
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(rotated.secret, during)).toBe(true);
    expect(verifies(original, during)).toBe(true);

    // The CLI rotates again, with a grace that ends at once: the secret before it is no longer signed with.
    const { stdout, code } = await runCli(
      ['subscriptions', 'rotate-secret', 'invoices', '--grace', '0s', '--json'],
      operatorEnv(engine.database, engine.taskQueue),
    );
    expect(code).toBe(0);
    const third = (JSON.parse(stdout) as { secret: string }).secret;
    const after = await deliver('after-grace');
    expect(verifies(third, after)).toBe(true);
    expect(verifies(rotated.secret, after)).toBe(false);
    expect(verifies(original, after)).toBe(false);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
  });

  it('refuses to rotate what is not a webhook with a stored secret, naming why', async () => {
    const { db } = engine.database;
    await expect(rotateWebhookSecret(db, 'no-such-subscription', { graceMs: 0 })).rejects.toThrow(/no subscription "no-such-subscription"/);
    await addSubscription(db, {
      name: 'env-secret',
      tenant: 'acme',
      events: 'x.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: 'env:OUTBOX_SECRET_X' } },
    });
    await expect(rotateWebhookSecret(db, 'env-secret', { graceMs: 0 })).rejects.toThrow(/env:OUTBOX_SECRET_X.*rotate it where it is set/);
  });
});
