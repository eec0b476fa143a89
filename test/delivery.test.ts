// End to end on real parts: application transactions → outbox.events → relay → deliverEvent
// workflow on the run's Temporal dev server → signed webhook POSTs to a loopback sink.
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../src/outbox/relay.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { discardSignal, statusQuery, type DeliverEventResult, type EventDeliveryStatus } from '../src/workflows/definitions.js';
import { connectTemporal, createTestRelay, startTestWorker, uniqueTaskQueue, type RunningWorker, type TemporalHandles } from './helpers/engine-harness.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('delivery end to end', () => {
  let database: TestDatabase;
  let temporal: TemporalHandles;
  let worker: RunningWorker;
  let relay: Relay;
  let sink: WebhookSink;
  const taskQueue = uniqueTaskQueue('delivery');

  beforeAll(async () => {
    [database, temporal, sink] = await Promise.all([createTestDatabase(), connectTemporal(), new WebhookSink().start()]);
    await sql`CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total integer NOT NULL)`.execute(database.db);
    worker = await startTestWorker(database, taskQueue);
    relay = createTestRelay(database, temporal.client, taskQueue);
    relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await worker?.stop();
    await Promise.all([temporal?.close(), sink?.stop()]);
    await database?.drop();
  });

  const statusOf = (typeLike: string) => countEventsByStatus(database.db, { typeLike });
  /** The event's workflow `status` query, once the relay has started it and `ready` holds. */
  const statusWhen = (tenant: string, key: string, ready: (status: EventDeliveryStatus) => boolean) =>
    waitFor(
      async () => {
        const status = await temporal.client.workflow.getHandle(database.workflowId(tenant, key)).query(statusQuery);
        return ready(status) ? status : undefined;
      },
      { what: `workflow of ${tenant}/${key} to reach the expected state` },
    );
  /** The event's workflow result, once the relay has started it and it has finished. */
  const resultOf = (tenant: string, key: string) =>
    waitFor(async () => (await temporal.client.workflow.getHandle(database.workflowId(tenant, key)).result()) as DeliverEventResult, {
      what: `workflow of ${tenant}/${key} to finish`,
    });

  it('delivers 500 events committed in app transactions exactly once each, signed, and never a rolled-back one', async () => {
    const secret = generateWebhookSecret();
    await addSubscription(database.db, { name: 'bulk', events: 'order.*', target: { kind: 'webhook', config: { url: sink.url, secret } } });

    const committed: string[] = [];
    const rolledBack: string[] = [];
    // 8 concurrent writers; each transaction writes a business row and its event. Every 10th
    // transaction rolls back after enqueueing, so its event must never be seen.
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let i = writer; i < 550; i += 8) {
        const key = `order-${i}`;
        const rollBack = i % 11 === 10;
        await database.db
          .transaction()
          .execute(async (trx) => {
            const order = await trx
              .insertInto('orders' as never)
              .values({ customer: `c${i}`, total: i } as never)
              .returning('id' as never)
              .executeTakeFirstOrThrow();
            await enqueue(trx, {
              tenant: 'acme',
              type: 'order.created',
              payload: { order, total: i },
              idempotencyKey: key,
              aggregateType: 'order',
              aggregateId: String(i),
            });
            if (rollBack) throw new Error('roll back');
          })
          .then(
            () => committed.push(key),
            () => rolledBack.push(key),
          );
      }
    });
    const enqueueStarted = Date.now();
    await Promise.all(writers);
    console.log(`enqueue took ${Date.now() - enqueueStarted}ms`);
    expect(committed).toHaveLength(500);
    expect(rolledBack).toHaveLength(50);

    await waitFor(async () => (await statusOf('order.%')).delivered === 500, {
      timeoutMs: 120_000,
      what: '500 events delivered',
      describe: async () => JSON.stringify({ byStatus: await statusOf('order.%'), received: sink.requests.length, relay: relay.stats }),
    });

    const counts = sink.countsById();
    expect([...counts.keys()].sort()).toEqual([...committed].sort());
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    for (const key of rolledBack) expect(counts.has(key)).toBe(false);

    const verifier = new Webhook(secret);
    for (const request of sink.requests) {
      const payload = verifier.verify(request.body, request.headers as Record<string, string>) as { id: string; type: string; data: { total: number } };
      expect(payload.id).toBe(request.messageId);
      expect(payload.type).toBe('order.created');
    }
    const orders = await database.db
      .selectFrom('orders' as never)
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(orders.n).toBe(500);
  });

  it('keeps one row and one delivery for a repeated idempotency key', async () => {
    await addSubscription(database.db, {
      name: 'dupes',
      events: 'dupe.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
    const first = await database.db
      .transaction()
      .execute((trx) => enqueue(trx, { tenant: 'acme', type: 'dupe.made', payload: { n: 1 }, idempotencyKey: 'dupe-1' }));
    const second = await database.db
      .transaction()
      .execute((trx) => enqueue(trx, { tenant: 'acme', type: 'dupe.made', payload: { n: 1 }, idempotencyKey: 'dupe-1' }));
    expect(second).toBe(first);
    // Another event under the same key is refused rather than silently dropped.
    await expect(
      database.db.transaction().execute((trx) => enqueue(trx, { tenant: 'acme', type: 'dupe.made', payload: { n: 2 }, idempotencyKey: 'dupe-1' })),
    ).rejects.toThrow(/already used by event \d+ with a different payload/);
    const rows = await database.db.selectFrom('outbox.events').select(['id', 'payload']).where('idempotency_key', '=', 'dupe-1').execute();
    expect(rows).toEqual([{ id: first, payload: { n: 1 } }]);

    const result = await resultOf('acme', 'dupe-1');
    expect(result.status).toBe('Delivered');
    expect(sink.countsById().get('dupe-1')).toBe(1);
  });

  it('retries 503 answers and delivers on the third attempt, logging three attempts', async () => {
    await addSubscription(database.db, {
      name: 'flaky',
      events: 'flaky.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      retryPolicy: { initialInterval: '50ms', maximumAttempts: 5 },
    });
    sink.responder = (request, index) => (request.id === 'flaky-1' && index < 2 ? { status: 503, body: 'down for maintenance' } : { status: 200 });
    const eventId = await enqueue(database.pool, { tenant: 'acme', type: 'flaky.thing', payload: {}, idempotencyKey: 'flaky-1' });

    const result = await resultOf('acme', 'flaky-1');
    expect(result.routes).toEqual([{ subscriptionName: 'flaky', state: 'delivered', role: 'required', attempts: 3, passes: 1, lastStatusCode: 200 }]);
    expect(sink.countsById().get('flaky-1')).toBe(3);
    const attempts = await database.db
      .selectFrom('outbox.deliveries')
      .select(['attempt', 'outcome', 'status_code', 'error'])
      .where('event_id', '=', eventId)
      .orderBy('attempt')
      .execute();
    expect(attempts).toEqual([
      { attempt: 1, outcome: 'retryable_failure', status_code: 503, error: 'target answered HTTP 503: down for maintenance' },
      { attempt: 2, outcome: 'retryable_failure', status_code: 503, error: 'target answered HTTP 503: down for maintenance' },
      { attempt: 3, outcome: 'delivered', status_code: 200, error: null },
    ]);
    expect(await statusOf('flaky.%')).toEqual({ delivered: 1 });
  });

  it('does not retry a 400 answer: one attempt, one dead letter, event dead-lettered', async () => {
    await addSubscription(database.db, {
      name: 'picky',
      events: 'picky.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      retryPolicy: { initialInterval: '50ms', maximumAttempts: 5 },
    });
    sink.responder = (request) => (request.id === 'picky-1' ? { status: 400, body: '{"error":"unknown field"}' } : { status: 200 });
    const eventId = await enqueue(database.pool, { tenant: 'acme', type: 'picky.thing', payload: {}, idempotencyKey: 'picky-1' });

    const status = await statusWhen('acme', 'picky-1', (s) => s.status === 'DeadLettered');
    expect(status.routes[0]).toMatchObject({ subscriptionName: 'picky', state: 'dead_lettered', attempts: 1, lastStatusCode: 400 });
    expect(sink.countsById().get('picky-1')).toBe(1);
    const deliveries = await database.db
      .selectFrom('outbox.deliveries')
      .select(['attempt', 'outcome', 'status_code'])
      .where('event_id', '=', eventId)
      .execute();
    expect(deliveries).toEqual([{ attempt: 1, outcome: 'permanent_failure', status_code: 400 }]);
    const deadLetters = await database.db
      .selectFrom('outbox.dead_letters')
      .select(['subscription_name', 'attempts', 'last_status_code', 'last_error'])
      .where('event_id', '=', eventId)
      .execute();
    expect(deadLetters).toEqual([
      {
        subscription_name: 'picky',
        attempts: 1,
        last_status_code: 400,
        last_error: 'target rejected the event with HTTP 400: {"error":"unknown field"}; it will not be retried',
      },
    ]);
    expect(await statusOf('picky.%')).toEqual({ dead_lettered: 1 });
    await temporal.client.workflow.getHandle(database.workflowId('acme', 'picky-1')).signal(discardSignal, { reason: 'test over' });
    expect((await resultOf('acme', 'picky-1')).status).toBe('Discarded');
  });

  it('waits at least as long as Retry-After says before retrying a 429', async () => {
    await addSubscription(database.db, {
      name: 'throttled',
      events: 'throttled.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      retryPolicy: { initialInterval: '10ms', maximumAttempts: 3 },
    });
    sink.responder = (request, index) => (request.id === 'throttled-1' && index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    await enqueue(database.pool, { tenant: 'acme', type: 'throttled.thing', payload: {}, idempotencyKey: 'throttled-1' });
    await waitFor(() => sink.countsById().get('throttled-1') === 2, { what: 'the retry after 429' });
    const [first, second] = sink.requests.filter((request) => request.id === 'throttled-1');
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('delivers a key again when its old row is gone but Temporal still remembers the old workflow', async () => {
    await addSubscription(database.db, {
      name: 'reused',
      events: 'reused.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
    const firstId = await enqueue(database.pool, { tenant: 'acme', type: 'reused.key', payload: { round: 1 }, idempotencyKey: 'reused-1' });
    await waitFor(() => sink.countsById().get('reused-1') === 1, { what: 'the first delivery' });
    await waitFor(async () => (await statusOf('reused.%')).delivered === 1, { what: 'the first event to be marked delivered' });
    // Retention cleanup (or a database reset) removes the row; the application then reuses the key.
    await database.db.deleteFrom('outbox.events').where('id', '=', firstId).execute();
    const secondId = await enqueue(database.pool, { tenant: 'acme', type: 'reused.key', payload: { round: 2 }, idempotencyKey: 'reused-1' });
    expect(secondId).not.toBe(firstId);

    await waitFor(async () => (await statusOf('reused.%')).delivered === 1 && sink.countsById().get('reused-1') === 2, {
      what: 'the reused key to be delivered again',
      describe: async () => JSON.stringify({ status: await statusOf('reused.%'), count: sink.countsById().get('reused-1') }),
    });
    const bodies = sink.requests.filter((request) => request.id === 'reused-1').map((request) => (JSON.parse(request.body) as { data: unknown }).data);
    expect(bodies).toEqual([{ round: 1 }, { round: 2 }]);
  });

  it('keeps the signing secret and the payload out of the workflow history', async () => {
    const secret = generateWebhookSecret();
    await addSubscription(database.db, { name: 'private', events: 'private.*', target: { kind: 'webhook', config: { url: sink.url, secret } } });
    await enqueue(database.pool, { tenant: 'acme', type: 'private.data', payload: { ssn: 'PAYLOAD-MARKER-123' }, idempotencyKey: 'private-1' });
    expect((await resultOf('acme', 'private-1')).status).toBe('Delivered');
    const history = JSON.stringify(await temporal.client.workflow.getHandle(database.workflowId('acme', 'private-1')).fetchHistory());
    expect(history).toContain('private-1');
    expect(history).not.toContain(secret.slice('whsec_'.length));
    expect(history).not.toContain('PAYLOAD-MARKER-123');
  });

  it('dead-letters a delivery whose stored target settings are broken, naming the field but not the secret', async () => {
    await database.db
      .insertInto('outbox.subscriptions')
      .values({
        name: 'broken',
        event_pattern: 'broken.*',
        target_kind: 'webhook',
        target_config: JSON.stringify({ url: sink.url, secret: 'hand-typed-secret-value' }),
      })
      .execute();
    const eventId = await enqueue(database.pool, { tenant: 'acme', type: 'broken.thing', payload: {}, idempotencyKey: 'broken-1' });
    await statusWhen('acme', 'broken-1', (s) => s.status === 'DeadLettered');
    const deadLetter = await database.db.selectFrom('outbox.dead_letters').select('last_error').where('event_id', '=', eventId).executeTakeFirstOrThrow();
    expect(deadLetter.last_error).toMatch(/^subscription broken has invalid target settings \(secret: must be whsec_ followed by base64/);
    expect(deadLetter.last_error).not.toContain('hand-typed-secret-value');
    expect(sink.countsById().get('broken-1')).toBeUndefined();
    await temporal.client.workflow.getHandle(database.workflowId('acme', 'broken-1')).signal(discardSignal, { reason: 'test over' });
  });

  it('routes by tenant and pattern, and explicit targets go only to the named subscription', async () => {
    const url = sink.url;
    const config = () => ({ kind: 'webhook' as const, config: { url, secret: generateWebhookSecret() } });
    await addSubscription(database.db, { name: 'route-all', tenant: '*', events: 'route.*', target: config() });
    await addSubscription(database.db, { name: 'route-globex', tenant: 'globex', events: 'route.*', target: config() });
    await addSubscription(database.db, { name: 'route-other', tenant: '*', events: 'routex.*', target: config() });
    await addSubscription(database.db, { name: 'route-named', tenant: '*', events: 'never.matches', target: config() });

    await enqueue(database.pool, { tenant: 'acme', type: 'route.a', payload: {}, idempotencyKey: 'route-acme' });
    await enqueue(database.pool, { tenant: 'globex', type: 'route.a', payload: {}, idempotencyKey: 'route-globex' });
    await enqueue(database.pool, { tenant: 'acme', type: 'route.a', payload: {}, idempotencyKey: 'route-explicit', targets: ['route-named'] });

    const routesOf = async (tenant: string, key: string) => (await resultOf(tenant, key)).routes.map((route) => route.subscriptionName);
    const results = [await routesOf('acme', 'route-acme'), await routesOf('globex', 'route-globex'), await routesOf('acme', 'route-explicit')];
    expect(results).toEqual([['route-all'], ['route-all', 'route-globex'], ['route-named']]);
  });
});
