// Endpoint flow control against real PostgreSQL, the run's Temporal dev server and loopback
// sinks: rate limits and in-flight caps across workers, jittered retries, retry schedules, 410.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryDelayMs, scheduledDelayMs } from '../src/failures/retry-delay.js';
import { enqueue, enqueueMany } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { retryPolicySchema, STANDARD_WEBHOOKS_RETRY_DELAYS_MS } from '../src/subscriptions/subscription-schema.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

/** A sink that answers after `latencyMs` and records arrival times and requests in flight. */
class SlowSink {
  readonly arrivals: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private server: Server | undefined;
  constructor(private readonly latencyMs: number) {}
  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.arrivals.push(Date.now());
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      request.resume();
      setTimeout(() => {
        this.inFlight -= 1;
        response.writeHead(200).end();
      }, this.latencyMs);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }
  /** The most arrivals in any one-second window. */
  busiestSecond(): number {
    let best = 0;
    for (let start = 0, end = 0; end < this.arrivals.length; end++) {
      while (this.arrivals[end]! - this.arrivals[start]! >= 1000) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

describe('endpoint flow control', () => {
  let engine: TestEngine;
  const stoppers: (() => Promise<void>)[] = [];
  const secret = generateWebhookSecret();

  beforeAll(async () => {
    // Breakers stay out of the way: these tests fail many deliveries on purpose.
    engine = await startTestEngine(() => createTestDatabase(), {
      prefix: 'flow',
      breakerSettings: { failureThreshold: 100_000, cooldownMs: 30_000, disableAfterMs: 0 },
    });
  });
  afterAll(async () => {
    for (const stop of stoppers) await stop();
    await engine?.stop();
  });

  const attemptsOf = (key: string) =>
    engine.database.db
      .selectFrom('outbox.deliveries as d')
      .innerJoin('outbox.events as e', 'e.id', 'd.event_id')
      .select(['d.attempt', 'd.attempted_at', 'd.next_retry_delay_ms', 'd.error'])
      .where('e.idempotency_key', '=', key)
      .orderBy('d.attempt')
      .execute();

  it('an endpoint limited to 20/s and 3 in flight never gets more, while an unlimited one is not slowed', async () => {
    const limited = await new SlowSink(100).start();
    const free = await new SlowSink(0).start();
    stoppers.push(
      () => limited.stop(),
      () => free.stop(),
    );
    await addSubscription(engine.database.db, {
      name: 'limited',
      tenant: 'flow',
      events: 'limited.*',
      target: { kind: 'webhook', config: { url: limited.url, secret } },
      flowControl: { ratePerSecond: 20, maxInFlight: 3 },
    });
    // The unlimited endpoint belongs to another tenant: endpoints of one tenant share its
    // admission window (OUTBOX_TENANT_MAX_UNFINISHED), so there the free events, enqueued after
    // the 200 limited ones, would start only as those finish, and the race would depend on the
    // machine's speed (a 3x slower machine lost it). This case is about endpoint limits.
    await addSubscription(engine.database.db, {
      name: 'free',
      tenant: 'flow-free',
      events: 'free.*',
      target: { kind: 'webhook', config: { url: free.url, secret } },
    });
    await enqueueMany(
      engine.database.pool,
      Array.from({ length: 200 }, (_, index) => ({ tenant: 'flow', type: 'limited.event', payload: { index }, idempotencyKey: `lim-${index}` })),
    );
    await enqueueMany(
      engine.database.pool,
      Array.from({ length: 100 }, (_, index) => ({ tenant: 'flow-free', type: 'free.event', payload: { index }, idempotencyKey: `free-${index}` })),
    );

    await waitFor(() => free.arrivals.length === 100, { what: 'the unlimited endpoint to get its 100 events', timeoutMs: 120_000 });
    // The unlimited endpoint finished while the limited one was still draining its backlog.
    const limitedWhenFreeDone = limited.arrivals.length;
    expect(limitedWhenFreeDone).toBeLessThan(200);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'flow' })).delivered === 200, {
      what: 'all 200 limited events delivered',
      timeoutMs: 120_000,
      describe: async () => JSON.stringify(await countEventsByStatus(engine.database.db, { tenant: 'flow' })),
    });
    console.log(
      `[flow] limited endpoint: busiest second ${limited.busiestSecond()} requests, at most ${limited.maxInFlight} in flight; unlimited one done while the limited one had ${200 - limitedWhenFreeDone} to go`,
    );
    expect(limited.arrivals).toHaveLength(200);
    expect(limited.maxInFlight).toBeLessThanOrEqual(3);
    // 20 a second, plus two for timer and network scheduling (a send delayed on the way can
    // land next to the following one); burst 1: no extra burst allowance.
    expect(limited.busiestSecond()).toBeLessThanOrEqual(22);
  });

  it('a tenant-wide default limits an endpoint that has no limits of its own (set with the CLI)', async () => {
    const env = operatorEnv(engine.database, engine.taskQueue);
    const set = await runCli(['subscriptions', 'tenant-limits', '--tenant', 'flow-t', '--rate', '10', '--max-in-flight', '2'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('tenant flow-t: at most 10/s, at most 2 in flight');
    expect((await runCli(['subscriptions', 'tenant-limits'], env)).stdout).toContain('flow-t: at most 10/s, at most 2 in flight');
    const sink = await new SlowSink(300).start();
    stoppers.push(() => sink.stop());
    await addSubscription(engine.database.db, {
      name: 'tenant-limited',
      tenant: 'flow-t',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret } },
    });
    await enqueueMany(
      engine.database.pool,
      Array.from({ length: 30 }, (_, index) => ({ tenant: 'flow-t', type: 'x.y', payload: { index }, idempotencyKey: `ft-${index}` })),
    );
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'flow-t' })).delivered === 30, {
      what: '30 events under the tenant default',
      timeoutMs: 120_000,
    });
    console.log(`[flow] tenant default: busiest second ${sink.busiestSecond()} requests, at most ${sink.maxInFlight} in flight`);
    expect(sink.maxInFlight).toBeLessThanOrEqual(2);
    expect(sink.busiestSecond()).toBeLessThanOrEqual(12);
    expect((await runCli(['subscriptions', 'tenant-limits', '--tenant', 'flow-t', '--clear'], env)).stdout).toContain('tenant flow-t: no default limits');
  });

  it('jitter spreads the retries of deliveries that failed at the same moment', async () => {
    const sink = await new WebhookSink().start();
    stoppers.push(() => sink.stop());
    sink.responder = (_request, index) => ({ status: index === 0 ? 503 : 200 });
    await addSubscription(engine.database.db, {
      name: 'jittered',
      tenant: 'jitter',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret } },
      retryPolicy: { initialInterval: '2s', jitter: 0.5 },
    });
    await enqueueMany(
      engine.database.pool,
      Array.from({ length: 50 }, (_, index) => ({ tenant: 'jitter', type: 'x.y', payload: {}, idempotencyKey: `jit-${index}` })),
    );
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'jitter' })).delivered === 50, {
      what: '50 events delivered on their retry',
    });
    const delays: number[] = [];
    for (let index = 0; index < 50; index++) {
      const [first, second] = await attemptsOf(`jit-${index}`);
      const delay = first!.next_retry_delay_ms!;
      delays.push(delay);
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(3000);
      expect(second!.attempted_at.getTime() - first!.attempted_at.getTime()).toBeGreaterThanOrEqual(delay * 0.95);
    }
    // Spread over the window rather than all at 2 s: at least a second between earliest and latest,
    // and no 100 ms bucket holding more than a fifth of them.
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(1000);
    const buckets = new Map<number, number>();
    for (const delay of delays) buckets.set(Math.floor(delay / 100), (buckets.get(Math.floor(delay / 100)) ?? 0) + 1);
    expect(Math.max(...buckets.values())).toBeLessThanOrEqual(10);
  });

  it('retry schedules: the standard-webhooks preset, and a custom list, are followed attempt by attempt', async () => {
    // The preset: 10 attempts, retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
    const preset = retryPolicySchema.parse({ schedule: 'standard-webhooks' });
    expect(preset).toMatchObject({ schedule: 'standard-webhooks', maximumAttempts: 10, jitter: 0.2 });
    expect(STANDARD_WEBHOOKS_RETRY_DELAYS_MS.map((delay) => delay / 1000)).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    for (let attempt = 1; attempt <= 9; attempt++) {
      expect(scheduledDelayMs(preset, attempt)).toBe(STANDARD_WEBHOOKS_RETRY_DELAYS_MS[attempt - 1]);
      const jittered = retryDelayMs(preset, attempt);
      expect(jittered).toBeGreaterThanOrEqual(STANDARD_WEBHOOKS_RETRY_DELAYS_MS[attempt - 1]! * 0.8);
      expect(jittered).toBeLessThanOrEqual(STANDARD_WEBHOOKS_RETRY_DELAYS_MS[attempt - 1]! * 1.2);
    }

    const sink = await new WebhookSink().start();
    stoppers.push(() => sink.stop());
    sink.responder = (request, index) => ({ status: (request.id === 'sched-std' && index < 1) || (request.id === 'sched-custom' && index < 3) ? 503 : 200 });
    const env = operatorEnv(engine.database, engine.taskQueue);
    const add = (name: string, extra: string[]) =>
      runCli(['subscriptions', 'add', '--name', name, '--tenant', 'sched', '--events', `${name}.*`, '--webhook', sink.url, '--secret', secret, ...extra], env);
    const std = await add('std', ['--retry-schedule', 'standard-webhooks']);
    expect(std.stdout).toContain('standard-webhooks: 10 attempts, retries after 5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 1d, ±20% jitter');
    expect((await add('custom', ['--retry-schedule', 'custom', '--retry-delays', '1s,2s,3s', '--jitter', '0'])).code).toBe(0);
    const refused = await add('bad', ['--retry-delays', '1s']);
    expect(refused.stderr).toContain('--retry-delays');
    await enqueue(engine.database.pool, { tenant: 'sched', type: 'std.event', payload: {}, idempotencyKey: 'sched-std' });
    await enqueue(engine.database.pool, { tenant: 'sched', type: 'custom.event', payload: {}, idempotencyKey: 'sched-custom' });
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'sched' })).delivered === 2, {
      what: 'both scheduled events delivered',
      timeoutMs: 60_000,
    });

    const standard = await attemptsOf('sched-std');
    expect(standard).toHaveLength(2);
    expect(standard[0]!.next_retry_delay_ms).toBeGreaterThanOrEqual(4000);
    expect(standard[0]!.next_retry_delay_ms).toBeLessThanOrEqual(6000);
    expect(standard[1]!.attempted_at.getTime() - standard[0]!.attempted_at.getTime()).toBeGreaterThanOrEqual(standard[0]!.next_retry_delay_ms! * 0.95);
    const custom = await attemptsOf('sched-custom');
    expect(custom.map((row) => row.next_retry_delay_ms)).toEqual([1000, 2000, 3000, null]);
    custom
      .slice(1)
      .forEach((row, index) => expect(row.attempted_at.getTime() - custom[index]!.attempted_at.getTime()).toBeGreaterThanOrEqual(950 * (index + 1)));
  });

  it('410 Gone disables the subscription at once; later events are dead-lettered as disabled; enable + dlq retry redrives them', async () => {
    const sink = await new WebhookSink().start();
    stoppers.push(() => sink.stop());
    let gone = true;
    sink.responder = () => ({ status: gone ? 410 : 200 });
    await addSubscription(engine.database.db, { name: 'gone', tenant: 'gone', events: '*', target: { kind: 'webhook', config: { url: sink.url, secret } } });
    const env = operatorEnv(engine.database, engine.taskQueue);
    await enqueue(engine.database.pool, { tenant: 'gone', type: 'x.y', payload: {}, idempotencyKey: 'gone-1' });
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'gone' })).dead_lettered === 1, {
      what: 'the 410 to dead-letter the event',
    });
    expect(sink.requests).toHaveLength(1);
    const listed = await runCli(['subscriptions', 'list'], env);
    expect(listed.stdout).toContain('gone is disabled: endpoint http://127.0.0.1');
    expect(listed.stdout).toContain('answered 410 Gone');

    await enqueue(engine.database.pool, { tenant: 'gone', type: 'x.y', payload: {}, idempotencyKey: 'gone-2' });
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'gone' })).dead_lettered === 2, {
      what: 'the later event dead-lettered as disabled',
    });
    // The later event was never sent: the subscription was off.
    expect(sink.requests).toHaveLength(1);
    const letters = await engine.database.db.selectFrom('outbox.dead_letters').select('last_error').where('tenant_id', '=', 'gone').orderBy('id').execute();
    expect(letters[0]?.last_error).toContain('was disabled: endpoint');
    expect(letters[1]?.last_error).toContain('subscription gone is disabled');

    gone = false;
    expect((await runCli(['subscriptions', 'enable', 'gone'], env)).code).toBe(0);
    expect((await runCli(['dlq', 'retry', '--all', '--tenant', 'gone'], env)).code).toBe(0);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'gone' })).delivered === 2, {
      what: 'both events redriven after re-enabling',
    });
  });
});
