// Events held in PostgreSQL while every endpoint they go to has an open circuit breaker (issue
// 20, migration 0030): the hold rule and the release against real PostgreSQL, then end to end on
// the run's Temporal dev server with a loopback sink that is down, then up again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, enqueueMany } from '../src/outbox/enqueue.js';
import { releaseHeldEvents } from '../src/outbox/held-events.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { breakerKey } from '../src/targets/breaker-key.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

const secret = generateWebhookSecret();
const webhook = (url: string) => ({ kind: 'webhook' as const, config: { url, secret } });

/** A breaker row as a worker leaves it: `probeIn` seconds to the next probe (negative: due). */
async function setBreaker(database: TestDatabase, endpoint: string, state: 'open' | 'half_open' | 'closed', probeIn = 60): Promise<void> {
  await database.pool.query(
    `INSERT INTO outbox.circuit_breakers (endpoint, state, consecutive_failures, failing_since, opened_at, next_probe_at, probe_started_at, last_error)
     VALUES ($1, $2, 10, now(), now(), now() + make_interval(secs => $3), CASE WHEN $2 = 'half_open' THEN now() END, 'HTTP 503')
     ON CONFLICT (endpoint) DO UPDATE SET state = EXCLUDED.state, next_probe_at = EXCLUDED.next_probe_at, probe_started_at = EXCLUDED.probe_started_at`,
    [endpoint, state, probeIn],
  );
}

/** Records that subscription `name`'s target answers to `endpoint`'s breaker, as a failing attempt does. */
async function mapBreaker(database: TestDatabase, name: string, endpoint: string): Promise<void> {
  await database.pool.query(
    `INSERT INTO outbox.subscription_breakers (subscription_id, endpoint) SELECT id, $2 FROM outbox.subscriptions WHERE name = $1
     ON CONFLICT (subscription_id) DO UPDATE SET endpoint = EXCLUDED.endpoint`,
    [name, endpoint],
  );
}

async function heldFor(database: TestDatabase, tenant: string, type: string, targets: string[] | null = null): Promise<string[] | null> {
  const { rows } = await database.pool.query<{ held: string[] | null }>('SELECT outbox.held_for($1, $2, $3::text[]) AS held', [tenant, type, targets]);
  return rows[0]!.held;
}

describe('the hold rule (outbox.held_for)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await addSubscription(database.db, { name: 'down', tenant: 'a', events: 'a.down', target: webhook('http://127.0.0.1:9/down') });
    await addSubscription(database.db, { name: 'down-too', tenant: 'a', events: 'a.both', target: webhook('http://127.0.0.1:9/down') });
    await addSubscription(database.db, { name: 'up', tenant: 'a', events: 'a.both', target: webhook('http://127.0.0.1:9/up') });
    await addSubscription(database.db, { name: 'lane', tenant: 'a', events: 'a.lane', target: webhook('http://127.0.0.1:9/down'), ordered: true });
    await setBreaker(database, 'webhook: down', 'open');
    for (const name of ['down', 'down-too', 'lane']) await mapBreaker(database, name, 'webhook: down');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('holds an event when every subscription it goes to has an open breaker, and names the breakers', async () => {
    expect(await heldFor(database, 'a', 'a.down')).toEqual(['webhook: down']);
    // Explicit targets route by name.
    expect(await heldFor(database, 'a', 'anything', ['down'])).toEqual(['webhook: down']);
    // Half-open with a probe under way: still held.
    await setBreaker(database, 'webhook: down', 'half_open');
    expect(await heldFor(database, 'a', 'a.down')).toEqual(['webhook: down']);
    await setBreaker(database, 'webhook: down', 'open');
  });

  it('starts it when any route is healthy, unmapped, ordered or disabled, when a saga takes it, when the probe is due, or when nothing routes it', async () => {
    // One of two routes has no breaker recorded (never failed): started.
    expect(await heldFor(database, 'a', 'a.both')).toBeNull();
    // Ordered lanes are taken at dispatch, in commit order: never held.
    expect(await heldFor(database, 'a', 'a.lane')).toBeNull();
    // No subscription: nothing to wait for.
    expect(await heldFor(database, 'a', 'a.nowhere')).toBeNull();
    // Another tenant's event of the same type does not route to tenant a's subscription.
    expect(await heldFor(database, 'b', 'a.down')).toBeNull();
    // The probe is due: the next event goes, to be the probe.
    await setBreaker(database, 'webhook: down', 'open', -1);
    expect(await heldFor(database, 'a', 'a.down')).toBeNull();
    await setBreaker(database, 'webhook: down', 'closed');
    expect(await heldFor(database, 'a', 'a.down')).toBeNull();
    await setBreaker(database, 'webhook: down', 'open');

    // A saga takes the event: sagas compensate, they are never held.
    await database.pool.query(
      `INSERT INTO outbox.sagas (name, tenant_id, event_pattern, steps) VALUES ('pay', 'a', 'a.down', '[{"name": "x", "target": "down"}]')`,
    );
    expect(await heldFor(database, 'a', 'a.down')).toBeNull();
    await database.pool.query(`DELETE FROM outbox.sagas WHERE name = 'pay'`);

    // A disabled subscription dead-letters its deliveries at once: not held.
    await database.pool.query(`UPDATE outbox.subscriptions SET enabled = false WHERE name = 'down'`);
    expect(await heldFor(database, 'a', 'a.down')).toBeNull();
    await database.pool.query(`UPDATE outbox.subscriptions SET enabled = true WHERE name = 'down'`);
    expect(await heldFor(database, 'a', 'a.down')).toEqual(['webhook: down']);
  });

  it("forgets which breaker a subscription answers to when its target changes, so a new URL's events are not held for the old one", async () => {
    await database.pool.query(`UPDATE outbox.subscriptions SET target_config = target_config || '{"url": "http://127.0.0.1:9/new"}' WHERE name = 'down'`);
    expect(await heldFor(database, 'a', 'a.down')).toBeNull();
    // Changing anything else keeps it.
    await mapBreaker(database, 'down', 'webhook: down');
    await database.pool.query(`UPDATE outbox.subscriptions SET retry_policy = retry_policy WHERE name = 'down'`);
    expect(await heldFor(database, 'a', 'a.down')).toEqual(['webhook: down']);
  });
});

describe('releasing held events', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    for (const name of ['one', 'two', 'three']) {
      await addSubscription(database.db, { name, tenant: 'a', events: `a.${name}`, target: webhook(`http://127.0.0.1:9/${name}`) });
      await mapBreaker(database, name, `webhook: ${name}`);
    }
  });
  afterAll(async () => {
    await database?.drop();
  });

  const hold = async (type: string, endpoint: string, count: number) => {
    const ids = await enqueueMany(
      database.pool,
      Array.from({ length: count }, (_, i) => ({ tenant: 'a', type, payload: {}, idempotencyKey: `${type}-${i}` })),
    );
    await database.pool.query('UPDATE outbox.events SET held_for = ARRAY[$2] WHERE id = ANY ($1::bigint[])', [ids, endpoint]);
    return ids;
  };
  const stillHeld = async () =>
    (await database.pool.query<{ id: string }>('SELECT id::text FROM outbox.events WHERE held_for IS NOT NULL ORDER BY id')).rows.map((row) => row.id);

  let two: string[] = [];
  it('lets all of a closed breaker go, only the oldest of one due a probe, none of one still cooling down', async () => {
    await setBreaker(database, 'webhook: one', 'closed');
    await setBreaker(database, 'webhook: two', 'open', -1);
    await setBreaker(database, 'webhook: three', 'open', 60);
    await hold('a.one', 'webhook: one', 3);
    two = await hold('a.two', 'webhook: two', 3);
    const three = await hold('a.three', 'webhook: three', 3);

    expect(await releaseHeldEvents(database.pool)).toBe(4);
    expect(await stillHeld()).toEqual([...two.slice(1), ...three]);
    // Released events are pending, as they were: the next claim takes them.
    expect(await countEventsByStatus(database.db, { tenant: 'a' })).toEqual({ pending: 9 });
  });

  it('lets all of an endpoint go when a subscription answering to it is disabled (to be dead-lettered, as every delivery to it is)', async () => {
    await database.pool.query(`UPDATE outbox.subscriptions SET enabled = false WHERE name = 'three'`);
    // Three's three, and the next of two's while its probe is still due.
    expect(await releaseHeldEvents(database.pool)).toBe(4);
    expect(await stillHeld()).toEqual([two[2]]);
  });

  it('lets all of an endpoint go that no subscription answers to any more (removed, or its target changed)', async () => {
    await database.pool.query(`UPDATE outbox.circuit_breakers SET next_probe_at = now() + interval '1 minute' WHERE endpoint = 'webhook: two'`);
    expect(await releaseHeldEvents(database.pool)).toBe(0);
    // The target changes: the trigger forgets which breaker it answered to, and its held events go.
    await database.pool.query(`UPDATE outbox.subscriptions SET target_config = target_config || '{"url": "http://127.0.0.1:9/two-fixed"}' WHERE name = 'two'`);
    expect(await releaseHeldEvents(database.pool)).toBe(1);
    expect(await stillHeld()).toEqual([]);
  });
});

describe('an endpoint that is down, end to end', () => {
  let engine: TestEngine;
  let down: WebhookSink;
  let up: WebhookSink;
  let healthy = false;
  const COOLDOWN_MS = 8_000;
  beforeAll(async () => {
    [engine, down, up] = await Promise.all([
      startTestEngine(() => createTestDatabase(), { prefix: 'held', breakerSettings: { failureThreshold: 2, cooldownMs: COOLDOWN_MS, disableAfterMs: 0 } }),
      new WebhookSink().start(),
      new WebhookSink().start(),
    ]);
    down.responder = () => (healthy ? { status: 200 } : { status: 503, body: 'down' });
  });
  afterAll(async () => {
    await engine?.stop();
    await Promise.all([down?.stop(), up?.stop()]);
  });

  it("holds its events in PostgreSQL, unstarted, while the tenant's other endpoint gets its own; releases them all when a probe succeeds", async () => {
    const { db, pool } = engine.database;
    const retryPolicy = { initialInterval: '1s', backoffCoefficient: 1, maximumAttempts: 100 };
    await addSubscription(db, { name: 'down', tenant: 'a', events: 'a.down', target: webhook(down.url), retryPolicy });
    await addSubscription(db, { name: 'up', tenant: 'a', events: 'a.up', target: webhook(up.url) });
    const key = breakerKey('webhook', down.url);

    // Two failures open the breaker.
    await enqueue(pool, { tenant: 'a', type: 'a.down', payload: {}, idempotencyKey: 'opener' });
    await waitFor(
      async () => (await db.selectFrom('outbox.circuit_breakers').select('state').where('endpoint', '=', key).executeTakeFirst())?.state === 'open',
      { what: 'the breaker to open' },
    );
    const requestsWhenOpened = down.requests.length;

    await enqueueMany(pool, [
      ...Array.from({ length: 10 }, (_, i) => ({ tenant: 'a', type: 'a.down', payload: {}, idempotencyKey: `down-${i}` })),
      ...Array.from({ length: 5 }, (_, i) => ({ tenant: 'a', type: 'a.up', payload: {}, idempotencyKey: `up-${i}` })),
    ]);
    await waitFor(() => up.countsById().size === 5, { what: "the tenant's events to its healthy endpoint" });
    const held = await waitFor(
      async () => {
        const rows = await db.selectFrom('outbox.events').select(['status', 'held_for', 'workflow_id']).where('idempotency_key', 'like', 'down-%').execute();
        return rows.filter((row) => row.held_for !== null).length >= 9 ? rows : undefined;
      },
      { what: 'the events to the down endpoint held', timeoutMs: COOLDOWN_MS },
    );
    // Held: pending, no workflow, waiting for this breaker.
    for (const row of held.filter((event) => event.held_for !== null)) expect(row).toEqual({ status: 'pending', held_for: [key], workflow_id: null });

    const status = JSON.parse((await runCli(['status', '--json'], operatorEnv(engine.database, engine.taskQueue))).stdout) as {
      held: number;
      breakers: { endpoint: string; held: number }[];
    };
    expect(status.held).toBeGreaterThanOrEqual(8);
    expect(status.breakers.find((breaker) => breaker.endpoint === key)?.held).toBe(status.held);
    const text = (await runCli(['status'], operatorEnv(engine.database, engine.taskQueue))).stdout;
    expect(text).toMatch(new RegExp(`open +${key.replaceAll('.', '\\.')}: .*; \\d+ event\\(s\\) held in PostgreSQL until it lets deliveries through`));
    expect(text).toMatch(/^ {2}held for an open breaker +\d+$/m);
    const { EngineMetrics } = await import('../src/metrics/engine-metrics.js');
    // 9 or 10, or one fewer if the first probe came due meanwhile (its oldest event goes to be the probe).
    const gauge = Number(/^outbox_events_held (\d+)$/m.exec(await new EngineMetrics({ db }).render())?.[1]);
    expect(gauge).toBeGreaterThanOrEqual(8);
    expect(gauge).toBeLessThanOrEqual(10);

    // Through two cooldowns the endpoint gets probes only: one request per cooldown at most.
    await waitFor(() => down.requests.length >= requestsWhenOpened + 2, { what: 'two probes', timeoutMs: 4 * COOLDOWN_MS });
    const failed = down.requests.slice(requestsWhenOpened);
    failed.slice(1).forEach((request, i) => expect(request.receivedAt - failed[i]!.receivedAt).toBeGreaterThanOrEqual(COOLDOWN_MS - 100));

    healthy = true;
    await waitFor(async () => (await countEventsByStatus(db, { tenant: 'a' })).delivered === 16, {
      what: 'every event delivered once a probe succeeded',
      timeoutMs: 4 * COOLDOWN_MS,
      describe: async () => JSON.stringify(await countEventsByStatus(db, { tenant: 'a' })),
    });
    expect(await db.selectFrom('outbox.events').select('id').where('held_for', 'is not', null).execute()).toEqual([]);
    expect(await db.selectFrom('outbox.circuit_breakers').select('state').where('endpoint', '=', key).executeTakeFirst()).toEqual({ state: 'closed' });
  });
});
