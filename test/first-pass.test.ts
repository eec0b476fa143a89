// The happy path's cost (issue 15): an event whose routes are plain is routed and delivered by
// one local activity (the first pass) and shows its final status with one search-attribute
// upsert; anything else keeps the regular path. Real PostgreSQL, dev server and sink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import type { DeliverEventResult } from '../src/workflows/definitions.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { createTestDatabase } from './helpers/test-database.js';
import { WebhookSink } from './helpers/webhook-sink.js';

/** The history's event types, and the local activities its markers record, in order. */
async function historyShape(engine: TestEngine, tenant: string, key: string) {
  const history = await engine.handle(tenant, key).fetchHistory();
  const events = history.events ?? [];
  const localActivities = events.flatMap((event) => {
    const details = event.markerRecordedEventAttributes?.details;
    const data = details?.data?.payloads?.[0]?.data;
    if (event.markerRecordedEventAttributes?.markerName !== 'core_local_activity' || !data) return [];
    return [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type];
  });
  const upserts = events.filter((event) => event.upsertWorkflowSearchAttributesEventAttributes).length;
  const regularActivities = events.flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  return { localActivities, regularActivities, upserts, length: events.length };
}

describe('first pass', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  beforeAll(async () => {
    [engine, sink] = await Promise.all([startTestEngine(() => createTestDatabase(), { prefix: 'first-pass' }), new WebhookSink().start()]);
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
  });
  /** A webhook subscription of tenant fp to the sink. */
  const subscribe = (name: string, events: string, extra: Pick<Parameters<typeof addSubscription>[1], 'retryPolicy' | 'flowControl'> = {}) =>
    addSubscription(engine.database.db, {
      name,
      tenant: 'fp',
      events,
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      ...extra,
    });

  it('delivers an event with one plain route in one local activity and one upsert, and marks it delivered', async () => {
    await subscribe('plain', 'plain.*');
    const eventId = await enqueue(engine.database.pool, { tenant: 'fp', type: 'plain.event', payload: { n: 1 }, idempotencyKey: 'plain-1' });
    const result = await engine.result<DeliverEventResult>('fp', 'plain-1');
    expect(result).toMatchObject({
      status: 'Delivered',
      routes: [{ subscriptionName: 'plain', state: 'delivered', attempts: 1, passes: 1, lastStatusCode: 200 }],
    });
    // Started, workflow task scheduled, started, completed, the pass's marker, the upsert, completed.
    expect(await historyShape(engine, 'fp', 'plain-1')).toEqual({ localActivities: ['firstPass'], regularActivities: [], upserts: 1, length: 7 });
    expect(await countEventsByStatus(engine.database.db, { typeLike: 'plain.%' })).toEqual({ delivered: 1 });
    const log = await engine.database.db.selectFrom('outbox.deliveries').select(['attempt', 'outcome']).where('event_id', '=', eventId).execute();
    expect(log).toEqual([{ attempt: 1, outcome: 'delivered' }]);
    expect(sink.countsById().get('plain-1')).toBe(1);
  });

  it('fans out to two plain routes in the same pass, then writes the status once', async () => {
    for (const name of ['fan-a', 'fan-b']) await subscribe(name, 'fan.*');
    await enqueue(engine.database.pool, { tenant: 'fp', type: 'fan.event', payload: {}, idempotencyKey: 'fan-1' });
    const result = await engine.result<DeliverEventResult>('fp', 'fan-1');
    expect(result.routes.map((route) => [route.subscriptionName, route.state, route.attempts])).toEqual([
      ['fan-a', 'delivered', 1],
      ['fan-b', 'delivered', 1],
    ]);
    expect(await historyShape(engine, 'fp', 'fan-1')).toMatchObject({ localActivities: ['firstPass', 'setEventStatus'], upserts: 1 });
    expect(await countEventsByStatus(engine.database.db, { typeLike: 'fan.%' })).toEqual({ delivered: 1 });
    expect(sink.countsById().get('fan-1')).toBe(2);
  });

  it('a failed first attempt goes on from attempt 2 as a regular activity under the route’s policy', async () => {
    await subscribe('shaky', 'shaky.*', { retryPolicy: { initialInterval: '50ms', maximumAttempts: 3 } });
    sink.responder = (request, index) => (request.id === 'shaky-1' && index === 0 ? { status: 503 } : { status: 200 });
    const eventId = await enqueue(engine.database.pool, { tenant: 'fp', type: 'shaky.event', payload: {}, idempotencyKey: 'shaky-1' });
    const result = await engine.result<DeliverEventResult>('fp', 'shaky-1');
    expect(result.routes[0]).toMatchObject({ state: 'delivered', attempts: 2 });
    expect((await historyShape(engine, 'fp', 'shaky-1')).regularActivities).toEqual(['deliver']);
    const log = await engine.database.db
      .selectFrom('outbox.deliveries')
      .select(['attempt', 'outcome'])
      .where('event_id', '=', eventId)
      .orderBy('attempt')
      .execute();
    expect(log).toEqual([
      { attempt: 1, outcome: 'retryable_failure' },
      { attempt: 2, outcome: 'delivered' },
    ]);
  });

  it('a route with flow control is not attempted in the pass: it takes the regular path', async () => {
    await subscribe('limited', 'limited.*', { flowControl: { maxInFlight: 2 } });
    await enqueue(engine.database.pool, { tenant: 'fp', type: 'limited.event', payload: {}, idempotencyKey: 'limited-1' });
    const result = await engine.result<DeliverEventResult>('fp', 'limited-1');
    expect(result.routes[0]).toMatchObject({ state: 'delivered', attempts: 1 });
    expect((await historyShape(engine, 'fp', 'limited-1')).regularActivities).toEqual(['deliver']);
    expect(sink.countsById().get('limited-1')).toBe(1);
  });
});
