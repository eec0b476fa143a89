// Fan-out strategies (all, any, primary) and what each means for dead letters, against real
// PostgreSQL, the run's Temporal server and loopback sinks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { freePort } from '../src/temporal/dev-server.js';
import { discardSignal, statusQuery, type DeliverEventResult, type EventDeliveryStatus } from '../src/workflows/definitions.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('fan-out strategies', () => {
  let engine: TestEngine;
  let ok: WebhookSink;
  const sinks: WebhookSink[] = [];
  let env: Record<string, string>;
  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'fanout' });
    ok = await new WebhookSink().start();
    sinks.push(ok);
    env = operatorEnv(engine.database, engine.taskQueue);
  });
  afterAll(async () => {
    await Promise.all(sinks.map((sink) => sink.stop()));
    await engine?.stop();
  });

  const deadUrl = async () => {
    const port = await freePort();
    return { url: `http://127.0.0.1:${port}/hook`, revive: async () => sinks[sinks.push(await new WebhookSink().start(port)) - 1]! };
  };
  const subscribe = (name: string, tenant: string, url: string) =>
    addSubscription(engine.database.db, {
      name,
      tenant,
      events: '*',
      target: { kind: 'webhook', config: { url, secret: generateWebhookSecret() } },
      retryPolicy: { maximumAttempts: 2, initialInterval: '1s' },
    });
  const setRule = async (args: string[]) => {
    const result = await runCli(['fanout', 'set', ...args], env);
    expect(result.code).toBe(0);
    return result.stdout;
  };
  const statusWhen = (tenant: string, key: string, ready: (status: EventDeliveryStatus) => boolean) =>
    waitFor(
      async () => {
        const status = await engine.handle(tenant, key).query(statusQuery);
        return ready(status) ? status : undefined;
      },
      { what: `${tenant}/${key} to reach the expected state` },
    );
  const deadLettersOf = (eventId: string) =>
    engine.database.db
      .selectFrom('outbox.dead_letters')
      .select(['subscription_name', 'resolution', 'resolution_reason'])
      .where('event_id', '=', eventId)
      .orderBy('subscription_name')
      .orderBy('id')
      .execute();

  it('any: one success is enough; the failing route gives up without a dead letter', async () => {
    await subscribe('any-ok', 'fo-any', ok.url);
    await subscribe('any-dead', 'fo-any', (await deadUrl()).url);
    expect(await setRule(['--tenant', 'fo-any', '--events', '*', '--strategy', 'any'])).toContain('one success is enough');
    const eventId = await enqueue(engine.database.pool, { tenant: 'fo-any', type: 'x.y', payload: {}, idempotencyKey: 'any-1' });
    const result = await engine.result<DeliverEventResult>('fo-any', 'any-1');
    expect(result.status).toBe('Delivered');
    expect(result.routes.map(({ subscriptionName, state, role }) => ({ subscriptionName, state, role }))).toEqual([
      { subscriptionName: 'any-ok', state: 'delivered', role: 'any_of' },
      { subscriptionName: 'any-dead', state: 'failed', role: 'any_of' },
    ]);
    expect(await deadLettersOf(eventId)).toEqual([]);
  });

  it('any: when every route fails all are dead-lettered; a later success closes the others as superseded', async () => {
    const first = await deadUrl();
    await subscribe('any2-a', 'fo-any2', first.url);
    await subscribe('any2-b', 'fo-any2', (await deadUrl()).url);
    await setRule(['--tenant', 'fo-any2', '--events', '*', '--strategy', 'any']);
    const eventId = await enqueue(engine.database.pool, { tenant: 'fo-any2', type: 'x.y', payload: {}, idempotencyKey: 'any2-1' });
    await statusWhen('fo-any2', 'any2-1', (s) => s.status === 'DeadLettered' && s.routes.every((route) => route.state === 'dead_lettered'));
    expect(await deadLettersOf(eventId)).toHaveLength(2);

    await first.revive();
    await engine.handle('fo-any2', 'any2-1').signal('retry', { subscriptions: ['any2-a'] });
    const result = await engine.result<DeliverEventResult>('fo-any2', 'any2-1');
    expect(result.status).toBe('Delivered');
    expect(result.routes.map((route) => route.state)).toEqual(['delivered', 'failed']);
    expect(await deadLettersOf(eventId)).toEqual([
      { subscription_name: 'any2-a', resolution: 'retried', resolution_reason: null },
      { subscription_name: 'any2-b', resolution: 'superseded', resolution_reason: 'another delivery of this event succeeded (fan-out any)' },
    ]);
  });

  it('primary: the event is delivered once the primary is; a failing secondary is best effort, never dead-lettered', async () => {
    await subscribe('pri-main', 'fo-pri', ok.url);
    await subscribe('pri-extra', 'fo-pri', (await deadUrl()).url);
    expect(await setRule(['--tenant', 'fo-pri', '--events', '*', '--strategy', 'primary', '--primary', 'pri-main'])).toContain('the primary must succeed');
    const eventId = await enqueue(engine.database.pool, { tenant: 'fo-pri', type: 'x.y', payload: {}, idempotencyKey: 'pri-1' });
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'fo-pri' })).delivered === 1, {
      what: 'the event delivered via its primary',
    });
    const result = await engine.result<DeliverEventResult>('fo-pri', 'pri-1');
    expect(result.routes.map(({ subscriptionName, state, role }) => ({ subscriptionName, state, role }))).toEqual([
      { subscriptionName: 'pri-main', state: 'delivered', role: 'required' },
      { subscriptionName: 'pri-extra', state: 'failed', role: 'best_effort' },
    ]);
    expect(await deadLettersOf(eventId)).toEqual([]);
  });

  it('primary: a failing primary is dead-lettered while the secondaries are still delivered', async () => {
    await subscribe('pri2-main', 'fo-pri2', (await deadUrl()).url);
    await subscribe('pri2-extra', 'fo-pri2', ok.url);
    await setRule(['--tenant', 'fo-pri2', '--events', '*', '--strategy', 'primary', '--primary', 'pri2-main']);
    const eventId = await enqueue(engine.database.pool, { tenant: 'fo-pri2', type: 'x.y', payload: {}, idempotencyKey: 'pri2-1' });
    const status = await statusWhen('fo-pri2', 'pri2-1', (s) => s.status === 'DeadLettered' && s.routes.some((route) => route.state === 'delivered'));
    expect(status.routes.map((route) => route.state)).toEqual(['dead_lettered', 'delivered']);
    expect((await deadLettersOf(eventId)).map((row) => row.subscription_name)).toEqual(['pri2-main']);
    await engine.handle('fo-pri2', 'pri2-1').signal(discardSignal, { reason: 'test over' });
  });

  it('rules are listed, validated and removable', async () => {
    const listed = await runCli(['fanout', 'list'], env);
    expect(listed.stdout).toMatch(/^\d+\s+fo-pri\s+\*\s+primary\s+pri-main$/m);
    const bad = await runCli(['fanout', 'set', '--events', '*', '--strategy', 'primary'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("primary: strategy 'primary' needs the primary subscription's name");
    const wrong = await runCli(['fanout', 'set', '--events', '*', '--strategy', 'some'], env);
    expect(wrong.stderr).toContain("error: option '--strategy <strategy>' argument 'some' is invalid. Allowed choices are all, any, primary.");
    const [rule] = JSON.parse((await runCli(['fanout', 'list', '--json'], env)).stdout) as { id: string }[];
    expect((await runCli(['fanout', 'remove', rule!.id], env)).code).toBe(0);
  });
});
