// Fairness (issue 20): one tenant flooding a slow endpoint and an endpoint that times out must
// not hold back another tenant's events. Same shape as the bench's noisy-neighbour scenario,
// smaller, asserting order of arrival rather than times: all of tenant B's events arrive before
// tenant A's slow endpoint has received half of A's events; `outbox status` shows A held back;
// A's events to the endpoint that times out wait in PostgreSQL while its breaker is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMany } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';

const FLOOD = 400;
const TRICKLE = 10;

describe('fairness between tenants', () => {
  let engine: TestEngine;
  let slow: WebhookSink;
  let stuck: WebhookSink;
  let fast: WebhookSink;
  beforeAll(async () => {
    [engine, slow, stuck, fast] = await Promise.all([
      startTestEngine(() => createTestDatabase(), { prefix: 'fairness' }),
      new WebhookSink().start(),
      new WebhookSink().start(),
      new WebhookSink().start(),
    ]);
    // A healthy but slow endpoint (3 s per answer), and one that never answers within its timeout.
    slow.responder = () => ({ status: 200, delayMs: 3_000 });
    stuck.responder = () => ({ status: 200, delayMs: 30_000 });
  });
  afterAll(async () => {
    await engine?.stop();
    await Promise.all([slow?.stop(), stuck?.stop(), fast?.stop()]);
  });

  it("tenant B's events all arrive before tenant A's flood to a slow endpoint is half delivered", async () => {
    const { db, pool } = engine.database;
    const secret = generateWebhookSecret();
    await addSubscription(db, { name: 'slow', tenant: 'a', events: 'a.slow', target: { kind: 'webhook', config: { url: slow.url, secret } } });
    await addSubscription(db, {
      name: 'stuck',
      tenant: 'a',
      events: 'a.stuck',
      target: { kind: 'webhook', config: { url: stuck.url, secret, timeoutMs: 1_000 } },
      retryPolicy: { maximumAttempts: 1 },
    });
    await addSubscription(db, { name: 'fast', tenant: 'b', events: 'b.*', target: { kind: 'webhook', config: { url: fast.url, secret } } });

    // A's flood is committed first: in id order, every one of its events comes before B's.
    const flood = (type: string) => Array.from({ length: FLOOD }, (_, i) => ({ tenant: 'a', type, payload: { i }, idempotencyKey: `${type}-${i}` }));
    await enqueueMany(pool, [...flood('a.slow'), ...flood('a.stuck')]);
    await enqueueMany(
      pool,
      Array.from({ length: TRICKLE }, (_, i) => ({ tenant: 'b', type: 'b.order', payload: { i }, idempotencyKey: `b-${i}` })),
    );

    // While A's window is full, `outbox status` says so: A's events wait, held back, in PostgreSQL.
    const held = await waitFor(
      async () => {
        const { stdout } = await runCli(['status', '--json'], operatorEnv(engine.database, engine.taskQueue));
        const status = JSON.parse(stdout) as { heldTenants: { tenant: string; pending: number; unfinished: number; window: number }[] };
        return status.heldTenants.find((tenant) => tenant.tenant === 'a');
      },
      { what: '`outbox status` to show tenant a held back at its admission window' },
    );
    // Its part of the budget: all 50 once B's events are out of the window, 25 while B sends (shared-admission-budget.test.ts).
    expect([25, 50]).toContain(held.window);
    expect(held.unfinished).toBe(held.window);
    expect(held.pending).toBeGreaterThan(0);

    // ...and, per endpoint, what the workers have in flight and which endpoints they hold back from the fast path and why.
    type EndpointLine = { subscription: string; tenant: string; inFlight: number; heldBack?: string; workers: number };
    const slowLine = await waitFor(
      async () => {
        const { stdout } = await runCli(['status', '--json'], operatorEnv(engine.database, engine.taskQueue));
        const status = JSON.parse(stdout) as { endpoints: EndpointLine[] };
        return status.endpoints.find((line) => line.subscription === 'slow' && line.inFlight > 0 && line.heldBack === 'slow');
      },
      { what: "`outbox status` to show the slow endpoint's sends in flight, held back as slow", timeoutMs: 30_000 },
    );
    expect(slowLine).toMatchObject({ tenant: 'a', workers: 1 });
    const { stdout: text } = await runCli(['status'], operatorEnv(engine.database, engine.taskQueue));
    expect(text).toMatch(/endpoints in flight[\s\S]*slow \(tenant a\): \d+ in flight \(\d+ in the first pass\), held back from the first pass: slow/);

    await waitFor(() => fast.countsById().size === TRICKLE, {
      what: "all of tenant B's events at its endpoint",
      timeoutMs: 120_000,
      describe: () => `B ${fast.countsById().size}/${TRICKLE}, A slow ${slow.countsById().size}/${FLOOD}, A stuck ${stuck.countsById().size}/${FLOOD}`,
    });
    const lastOfB = Math.max(...fast.requests.map((request) => request.receivedAt));
    const slowBeforeB = slow.requests.filter((request) => request.receivedAt <= lastOfB).length;
    expect(slowBeforeB, `A's slow endpoint had received ${slowBeforeB} of ${FLOOD} when B's last event arrived`).toBeLessThan(FLOOD / 2);

    // A's own events still all arrive, at the pace its endpoint allows; the stuck ones are dead-lettered.
    await waitFor(async () => (await countEventsByStatus(db, { typeLike: 'a.slow' })).delivered === FLOOD, {
      what: "all of A's events to the slow endpoint delivered",
      timeoutMs: 180_000,
      describe: async () => JSON.stringify(await countEventsByStatus(db, { typeLike: 'a.slow' })),
    });
    expect(slow.countsById().size).toBe(FLOOD);
    // A's events to the endpoint that times out: once its breaker opened, held in PostgreSQL rather
    // than started only to be turned away (they took no place in A's window meanwhile)...
    const heldStuck = await waitFor(
      async () => {
        const rows = await db.selectFrom('outbox.events').select('id').where('event_type', '=', 'a.stuck').where('held_for', 'is not', null).execute();
        return rows.length > FLOOD / 2 ? rows : undefined;
      },
      {
        what: "most of A's events to the endpoint that times out held",
        describe: async () => JSON.stringify(await countEventsByStatus(db, { typeLike: 'a.stuck' })),
      },
    );
    // ...and when it answers again, a probe closes the breaker and they are all delivered; only
    // those started before it opened were dead-lettered (one attempt each, by their policy).
    stuck.responder = () => ({ status: 200 });
    await waitFor(
      async () => {
        const counts = await countEventsByStatus(db, { typeLike: 'a.stuck' });
        return (counts.delivered ?? 0) + (counts.dead_lettered ?? 0) === FLOOD ? counts : undefined;
      },
      {
        what: "A's events to the recovered endpoint delivered (or dead-lettered, if started while it timed out)",
        timeoutMs: 180_000,
        describe: async () => JSON.stringify(await countEventsByStatus(db, { typeLike: 'a.stuck' })),
      },
    );
    expect(stuck.countsById().size).toBeGreaterThanOrEqual(heldStuck.length);
  });
});
