// Circuit breakers per endpoint and auto-disable of failing endpoints, against real PostgreSQL,
// the run's Temporal server and a loopback HTTP sink that counts what reaches it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreakers, HEALTHY_FOR_MS } from '../src/activities/circuit-breaker.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('circuit breaker', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  let healthy = false;
  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), {
      prefix: 'breaker',
      breakerSettings: { failureThreshold: 3, cooldownMs: 2_000, disableAfterMs: 0 },
    });
    sink = await new WebhookSink().start();
    sink.responder = () => (healthy ? { status: 200 } : { status: 503, body: 'down' });
  });
  afterAll(async () => {
    await sink?.stop();
    await engine?.stop();
  });
  const breaker = () => engine.database.db.selectFrom('outbox.circuit_breakers').selectAll().executeTakeFirst();

  it('opens after 3 consecutive failures, fails fast without reaching the endpoint, reopens on a failed probe, closes on a good one', async () => {
    await addSubscription(engine.database.db, {
      name: 'flaky',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      retryPolicy: { initialInterval: '1s', backoffCoefficient: 1, maximumAttempts: 50 },
    });
    await enqueue(engine.database.pool, { tenant: 'b', type: 'x.y', payload: {}, idempotencyKey: 'first' });
    const opened = await waitFor(async () => ((await breaker())?.state === 'open' ? breaker() : undefined), { what: 'the breaker to open' });
    expect(opened).toMatchObject({ endpoint: `webhook: ${sink.url}`, consecutive_failures: 3, last_error: 'target answered HTTP 503: down' });
    expect(sink.requests).toHaveLength(3);

    // The first event's next attempts fail fast: logged, counted, never sent.
    const firstId = (await engine.database.db.selectFrom('outbox.events').select('id').where('idempotency_key', '=', 'first').executeTakeFirstOrThrow()).id;
    const fastFail = await waitFor(
      () =>
        engine.database.db
          .selectFrom('outbox.deliveries')
          .select(['error', 'status_code', 'outcome'])
          .where('event_id', '=', firstId)
          .where('error', 'like', 'circuit open%')
          .executeTakeFirst(),
      { what: "the first event's next attempt to fail fast" },
    );
    expect(fastFail.outcome).toBe('retryable_failure');
    expect(fastFail.status_code).toBeNull();
    expect(fastFail.error).toMatch(
      new RegExp(
        `^circuit open for ${sink.url.replaceAll('.', '\\.')}: 3 consecutive failures \\(last: target answered HTTP 503: down\\); not attempted, next probe in \\d+s$`,
      ),
    );

    // A second event to the open endpoint: held in PostgreSQL, not started, until the breaker
    // lets deliveries through (asserted in held-events.test.ts); delivered after the good probe below.
    await enqueue(engine.database.pool, { tenant: 'b', type: 'x.y', payload: {}, idempotencyKey: 'second' });

    // After the cooldown one attempt probes; it fails, so the breaker opens again.
    await waitFor(() => sink.requests.length === 4, { what: 'the half-open probe' });
    const reopened = await waitFor(async () => ((await breaker())?.state === 'open' && (await breaker())?.consecutive_failures === 4 ? breaker() : undefined), {
      what: 'the breaker to reopen after the failed probe',
    });
    expect(reopened?.failing_since).toBeInstanceOf(Date);
    const status = await runCli(['status'], operatorEnv(engine.database, engine.taskQueue));
    expect(status.stdout).toMatch(
      new RegExp(`^  open +webhook: ${sink.url.replaceAll('.', '\\.')}: 4 consecutive failure\\(s\\), failing for \\d+(ms|s)`, 'm'),
    );

    healthy = true;
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'b' })).delivered === 2, { what: 'both events after the good probe' });
    expect(await breaker()).toMatchObject({ state: 'closed', consecutive_failures: 0, failing_since: null });
    // While open, only probes reached the endpoint: at most one failed request per cooldown.
    const failedAfterOpening = sink.requests.filter((request) => request.status === 503).slice(3);
    expect(failedAfterOpening.length).toBeGreaterThanOrEqual(1);
    failedAfterOpening.slice(1).forEach((request, i) => expect(request.receivedAt - failedAfterOpening[i]!.receivedAt).toBeGreaterThanOrEqual(1_900));
    expect(
      sink.requests
        .filter((request) => request.status === 200)
        .map((request) => request.id)
        .sort(),
    ).toEqual(['first', 'second']);
  });
});

describe('auto-disable of a failing endpoint', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  let healthy = false;
  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), {
      prefix: 'disable',
      breakerSettings: { failureThreshold: 100, cooldownMs: 1_000, disableAfterMs: 1_500 },
    });
    sink = await new WebhookSink().start();
    sink.responder = () => (healthy ? { status: 200 } : { status: 500 });
  });
  afterAll(async () => {
    await sink?.stop();
    await engine?.stop();
  });

  it('disables the subscription with a recorded reason, dead-letters the delivery, and enable + dlq retry redrive it', async () => {
    await addSubscription(engine.database.db, {
      name: 'dying',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      retryPolicy: { initialInterval: '1s', backoffCoefficient: 1, maximumAttempts: 100 },
    });
    const eventId = await enqueue(engine.database.pool, { tenant: 'd', type: 'x.y', payload: {}, idempotencyKey: 'dying-1' });
    const deadLetter = await waitFor(
      () => engine.database.db.selectFrom('outbox.dead_letters').select(['last_error']).where('event_id', '=', eventId).executeTakeFirst(),
      { what: 'the delivery to be dead-lettered when the subscription is disabled' },
    );
    expect(deadLetter.last_error).toMatch(
      /^subscription dying was disabled: endpoint .* failing for \d+(\.\d+)?s \(\d+ consecutive failures; last: target answered HTTP 500\)\. Fix the endpoint, then: outbox subscriptions enable dying && outbox dlq retry --all$/,
    );

    const env = operatorEnv(engine.database, engine.taskQueue);
    const listed = await runCli(['subscriptions', 'list'], env);
    expect(listed.stdout).toMatch(/dying\s+\*\s+\*\s+webhook .* no$/m);
    expect(listed.stdout).toContain('dying is disabled: endpoint');

    healthy = true;
    expect((await runCli(['subscriptions', 'enable', 'dying'], env)).stdout).toMatch(/^enabled subscription dying/);
    expect((await runCli(['dlq', 'retry', '--all'], env)).code).toBe(0);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'd' })).delivered === 1, { what: 'delivery after re-enabling' });
    expect(sink.countsById().get('dying-1')).toBeGreaterThanOrEqual(2);
  });
});

describe('circuit breaker reads', () => {
  it("skips the breaker's read for an endpoint seen healthy within a second, forgets it on a local failure, and sees another worker's opening after the second", async () => {
    const db = await createTestDatabase();
    try {
      const breakers = new CircuitBreakers(db.db, { failureThreshold: 1, cooldownMs: 60_000, disableAfterMs: 0 });
      const openElsewhere = (endpoint: string) =>
        db.pool.query(
          `INSERT INTO outbox.circuit_breakers (endpoint, state, consecutive_failures, failing_since, opened_at, next_probe_at, last_error)
           VALUES ($1, 'open', 5, now(), now(), now() + interval '1 minute', 'HTTP 503 (another worker)')
           ON CONFLICT (endpoint) DO UPDATE SET state = 'open', next_probe_at = EXCLUDED.next_probe_at`,
          [endpoint],
        );
      // Seen healthy: another worker's opening is not read for up to HEALTHY_FOR_MS...
      expect((await breakers.admit('webhook: a', 10_000)).verdict).toBe('send');
      await openElsewhere('webhook: a');
      const seenAt = Date.now();
      expect((await breakers.admit('webhook: a', 10_000)).verdict).toBe('send');
      // ...then it is.
      await waitFor(async () => (await breakers.admit('webhook: a', 10_000)).verdict === 'fail-fast', {
        what: 'the opened breaker to be read',
        timeoutMs: 10_000,
      });
      expect(Date.now() - seenAt).toBeGreaterThanOrEqual(HEALTHY_FOR_MS - 50);

      // A failure seen here forgets the endpoint at once: the next attempt reads the breaker it opened.
      expect((await breakers.admit('webhook: b', 10_000)).verdict).toBe('send');
      await breakers.recordFailure('webhook: b', 'HTTP 500', false);
      expect((await breakers.admit('webhook: b', 10_000)).verdict).toBe('fail-fast');
    } finally {
      await db.drop();
    }
  });

  it('spreads the attempts an open breaker fails over one cooldown after the probe, so they do not all come back at once', async () => {
    const db = await createTestDatabase();
    try {
      const cooldownMs = 20_000;
      const breakers = new CircuitBreakers(db.db, { failureThreshold: 1, cooldownMs, disableAfterMs: 0 });
      await breakers.recordFailure('webhook: herd', 'HTTP 503', false);
      const retries: number[] = [];
      for (let n = 0; n < 20; n++) {
        const admission = await breakers.admit('webhook: herd', 10_000);
        if (admission.verdict !== 'fail-fast') throw new Error(`attempt ${n} was let through an open breaker`);
        // The probe is due in about a cooldown; nothing comes back before it, nor a cooldown after it.
        expect(admission.probeInMs).toBeGreaterThan(cooldownMs - 5_000);
        expect(admission.retryInMs).toBeGreaterThanOrEqual(admission.probeInMs);
        expect(admission.retryInMs).toBeLessThanOrEqual(admission.probeInMs + cooldownMs);
        retries.push(admission.retryInMs - admission.probeInMs);
      }
      // Twenty draws spread over 20 s: they span far more than a quarter of it (all within 5 s: p < 1e-10).
      expect(Math.max(...retries) - Math.min(...retries)).toBeGreaterThan(cooldownMs / 4);
    } finally {
      await db.drop();
    }
  });
});
