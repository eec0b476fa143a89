// Operational events (issue 16 §5): the engine tells endpoint owners about trouble through its
// own outbox, as ordinary events of the affected tenant: outbox.endpoint.disabled (410 or
// auto-disable), outbox.endpoint.recovered (breaker closed after being open) and
// outbox.delivery.dead_lettered. An operational event's own failure emits none (no loops).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('operational events', () => {
  let engine: TestEngine;
  let watcher: WebhookSink;
  let failing: WebhookSink;
  beforeAll(async () => {
    [engine, watcher, failing] = await Promise.all([
      startTestEngine(() => createTestDatabase(), { prefix: 'opevents', breakerSettings: { failureThreshold: 2, cooldownMs: 1_000, disableAfterMs: 0 } }),
      new WebhookSink().start(),
      new WebhookSink().start(),
    ]);
  });
  afterAll(async () => {
    await engine?.stop();
    await Promise.all([watcher?.stop(), failing?.stop()]);
  });

  const secret = generateWebhookSecret();
  const hook = (url: string) => ({ kind: 'webhook' as const, config: { url, secret } });
  const bodiesOf = (type: string) =>
    watcher.requests
      .map((request) => JSON.parse(request.body) as { type: string; tenant: string; data: Record<string, unknown> })
      .filter((body) => body.type === type);
  const eventsOf = async (tenant: string) =>
    (
      await sql<{ type: string; status: string }>`SELECT event_type AS type, status FROM outbox.events WHERE tenant_id = ${tenant} ORDER BY id`.execute(
        engine.database.db,
      )
    ).rows;

  it('tells the tenant that its endpoint answered 410 and was disabled, and that the delivery was dead-lettered', async () => {
    const { db, pool } = engine.database;
    await addSubscription(db, { name: 'acme-ops', tenant: 'acme', events: 'outbox.*', target: hook(watcher.url) });
    await addSubscription(db, { name: 'acme-gone', tenant: 'acme', events: 'invoice.*', target: hook(`${failing.url}/gone`) });
    failing.responder = () => ({ status: 410 });
    await enqueue(pool, { tenant: 'acme', type: 'invoice.sent', payload: { n: 1 }, idempotencyKey: 'invoice-1' });
    await waitFor(() => bodiesOf('outbox.endpoint.disabled').length === 1 && bodiesOf('outbox.delivery.dead_lettered').length === 1, {
      what: 'outbox.endpoint.disabled and outbox.delivery.dead_lettered at the watcher',
      describe: () => JSON.stringify(watcher.requests.map((request) => request.body)),
    });
    const [disabled] = bodiesOf('outbox.endpoint.disabled');
    expect(disabled).toMatchObject({ tenant: 'acme', data: { subscription: 'acme-gone', statusCode: 410 } });
    expect(String(disabled!.data.reason)).toContain('410 Gone');
    const [dead] = bodiesOf('outbox.delivery.dead_lettered');
    expect(dead).toMatchObject({ tenant: 'acme', data: { subscription: 'acme-gone', eventType: 'invoice.sent', idempotencyKey: 'invoice-1' } });
  });

  it('tells the tenant when an endpoint whose breaker opened answers again', async () => {
    const { db, pool } = engine.database;
    await addSubscription(db, { name: 'acme-flaky', tenant: 'acme', events: 'shipment.*', target: hook(`${failing.url}/flaky`) });
    let calls = 0;
    failing.responder = (request) => (request.headers['webhook-id'] && ++calls <= 3 ? { status: 503 } : { status: 200 });
    await enqueue(pool, { tenant: 'acme', type: 'shipment.sent', payload: { n: 1 }, idempotencyKey: 'shipment-1' });
    await waitFor(() => bodiesOf('outbox.endpoint.recovered').length === 1, {
      what: 'outbox.endpoint.recovered at the watcher',
      timeoutMs: 60_000,
      describe: () => `calls ${calls}`,
    });
    expect(bodiesOf('outbox.endpoint.recovered')[0]).toMatchObject({
      tenant: 'acme',
      data: { subscription: 'acme-flaky', endpoint: expect.stringContaining('/flaky') as unknown },
    });
  });

  it('emits no operational event about an operational event, and sends none to a catch-all subscription: no loop', async () => {
    const { db, pool } = engine.database;
    await addSubscription(db, { name: 'loop-all', tenant: 'loop', events: '*', target: hook(`${failing.url}/loop`), retryPolicy: { maximumAttempts: 1 } });
    await addSubscription(db, {
      name: 'loop-ops',
      tenant: 'loop',
      events: 'outbox.*',
      target: hook(`${failing.url}/loop-ops`),
      retryPolicy: { maximumAttempts: 1 },
    });
    failing.responder = () => ({ status: 400 });
    await enqueue(pool, { tenant: 'loop', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'loop-1' });
    // The order's dead letter emits one operational event, addressed to loop-ops only (not to the catch-all), which fails too.
    await waitFor(async () => (await eventsOf('loop')).filter((event) => event.status === 'dead_lettered').length === 2, {
      what: 'the order and its operational event both dead-lettered',
      describe: async () => JSON.stringify(await eventsOf('loop')),
    });
    // The second dead letter would have enqueued a third event in its own transaction: there is none.
    expect((await eventsOf('loop')).map((event) => event.type)).toEqual(['order.created', 'outbox.delivery.dead_lettered']);
    const deadLetters = await sql<{
      subscription: string;
      type: string;
    }>`SELECT d.subscription_name AS subscription, e.event_type AS type FROM outbox.dead_letters d
      JOIN outbox.events e ON e.id = d.event_id WHERE d.tenant_id = 'loop' ORDER BY d.id`.execute(engine.database.db);
    expect(deadLetters.rows).toEqual([
      { subscription: 'loop-all', type: 'order.created' },
      { subscription: 'loop-ops', type: 'outbox.delivery.dead_lettered' },
    ]);
  });
});
