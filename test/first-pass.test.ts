// The happy path's cost (issues 15 and 33): an event whose routes are plain is routed and
// delivered by one local activity (the first pass), with no search-attribute upsert (a completed
// workflow without OutboxStatus delivered its event), and a retry with a short backoff is made in
// the same pass; anything else keeps the regular path. Real PostgreSQL, dev server and sink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import type { DeliverEventResult } from '../src/workflows/definitions.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
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
  const timers = events.filter((event) => event.timerStartedEventAttributes).length;
  return { localActivities, regularActivities, upserts, timers, length: events.length };
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

  it('delivers an event with one plain route in one local activity and no upsert, and marks it delivered', async () => {
    await subscribe('plain', 'plain.*');
    const eventId = await enqueue(engine.database.pool, { tenant: 'fp', type: 'plain.event', payload: { n: 1 }, idempotencyKey: 'plain-1' });
    const result = await engine.result<DeliverEventResult>('fp', 'plain-1');
    expect(result).toMatchObject({
      status: 'Delivered',
      routes: [{ subscriptionName: 'plain', state: 'delivered', attempts: 1, passes: 1, lastStatusCode: 200 }],
    });
    // Started, workflow task scheduled, started, completed, the pass's marker, completed.
    expect(await historyShape(engine, 'fp', 'plain-1')).toEqual({ localActivities: ['firstPass'], regularActivities: [], upserts: 0, timers: 0, length: 6 });
    // Tenant and type were set by the start request (free); no OutboxStatus on the happy path.
    const { searchAttributes } = await engine.handle('fp', 'plain-1').describe();
    expect(searchAttributes).toMatchObject({ OutboxTenant: ['fp'], OutboxEventType: ['plain.event'] });
    expect(searchAttributes).not.toHaveProperty('OutboxStatus');
    // The operator's query for delivered events (README, Temporal search attributes) finds it.
    const delivered = 'OutboxTenant = "fp" AND ExecutionStatus = "Completed" AND (OutboxStatus IS NULL OR OutboxStatus = "Delivered")';
    const listed = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const workflow of engine.temporal.client.workflow.list({ query: delivered })) ids.push(workflow.workflowId);
        return ids.includes(engine.database.workflowId('fp', 'plain-1')) ? ids : undefined;
      },
      { what: 'plain-1 in the list of delivered events' },
    );
    expect(listed).toContain(engine.database.workflowId('fp', 'plain-1'));
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
    expect(await historyShape(engine, 'fp', 'fan-1')).toMatchObject({ localActivities: ['firstPass', 'setEventStatus'], upserts: 0 });
    expect(await countEventsByStatus(engine.database.db, { typeLike: 'fan.%' })).toEqual({ delivered: 1 });
    expect(sink.countsById().get('fan-1')).toBe(2);
  });

  it('a retry with a short backoff is made in the pass itself: no timer, no regular activity, no upsert', async () => {
    await subscribe('blip', 'blip.*', { retryPolicy: { initialInterval: '50ms', maximumAttempts: 3 } });
    sink.responder = (request, index) => (request.id === 'blip-1' && index === 0 ? { status: 503 } : { status: 200 });
    const eventId = await enqueue(engine.database.pool, { tenant: 'fp', type: 'blip.event', payload: {}, idempotencyKey: 'blip-1' });
    const result = await engine.result<DeliverEventResult>('fp', 'blip-1');
    expect(result.routes[0]).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(await historyShape(engine, 'fp', 'blip-1')).toMatchObject({ localActivities: ['firstPass'], regularActivities: [], upserts: 0, timers: 0 });
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

  it('a pass that used up the policy on short retries is dead-lettered at once, with no activity', async () => {
    await subscribe('gone', 'gone.*', { retryPolicy: { initialInterval: '20ms', maximumAttempts: 2 } });
    sink.responder = (request) => (request.id === 'gone-1' ? { status: 503 } : { status: 200 });
    await enqueue(engine.database.pool, { tenant: 'fp', type: 'gone.event', payload: {}, idempotencyKey: 'gone-1' });
    const [deadLetter] = await waitFor(
      async () => {
        const rows = await engine.database.db
          .selectFrom('outbox.dead_letters')
          .select(['attempts', 'last_status_code'])
          .where('subscription_name', '=', 'gone')
          .execute();
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'the dead letter of gone-1' },
    );
    expect(deadLetter).toEqual({ attempts: 2, last_status_code: 503 });
    const handle = engine.handle('fp', 'gone-1');
    // One upsert shows it dead-lettered, with its targets; one timer holds it for an operator.
    const shape = await waitFor(
      async () => {
        const found = await historyShape(engine, 'fp', 'gone-1');
        return found.timers === 1 ? found : undefined;
      },
      { what: 'the hold timer' },
    );
    expect(shape).toMatchObject({ regularActivities: [], upserts: 1 });
    expect((await handle.describe()).searchAttributes).toMatchObject({ OutboxStatus: ['DeadLettered'], OutboxTargets: ['gone'] });
    await handle.signal('discard', { reason: 'test over' });
    await handle.result();
    expect((await handle.describe()).searchAttributes).toMatchObject({ OutboxStatus: ['Discarded'] });
  });

  it('a failed first attempt whose backoff is long goes on durably: a timer, then a regular activity', async () => {
    await subscribe('shaky', 'shaky.*', { retryPolicy: { initialInterval: '3s', maximumAttempts: 3 } });
    sink.responder = (request, index) => (request.id === 'shaky-1' && index === 0 ? { status: 503 } : { status: 200 });
    const eventId = await enqueue(engine.database.pool, { tenant: 'fp', type: 'shaky.event', payload: {}, idempotencyKey: 'shaky-1' });
    const result = await engine.result<DeliverEventResult>('fp', 'shaky-1');
    expect(result.routes[0]).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(await historyShape(engine, 'fp', 'shaky-1')).toMatchObject({ regularActivities: ['deliver'], timers: 1, upserts: 0 });
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
