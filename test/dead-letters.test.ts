// Dead letters and operator signals, with the real `temporal` and `outbox` CLIs as an operator
// would use them, against real PostgreSQL and the run's Temporal dev server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { freePort } from '../src/temporal/dev-server.js';
import { statusQuery, type DeliverEventResult, type EventDeliveryStatus } from '../src/workflows/definitions.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('dead letters and operator signals', () => {
  let engine: TestEngine;
  const sinks: WebhookSink[] = [];
  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'dlq', relay: { deadLetterHoldMs: 60 * 60_000 } });
  });
  afterAll(async () => {
    await Promise.all(sinks.map((sink) => sink.stop()));
    await engine?.stop();
  });

  /** A URL where nothing listens yet (connection refused), and a way to start a sink there later. */
  const deadEndpoint = async () => {
    const port = await freePort();
    return {
      url: `http://127.0.0.1:${port}/hook`,
      revive: async () => {
        const sink = await new WebhookSink().start(port);
        sinks.push(sink);
        return sink;
      },
    };
  };
  const openDeadLetters = (tenant: string) =>
    engine.database.db.selectFrom('outbox.dead_letters').selectAll().where('tenant_id', '=', tenant).where('resolved_at', 'is', null).orderBy('id').execute();
  const queryStatus = (tenant: string, key: string, ready: (status: EventDeliveryStatus) => boolean) =>
    waitFor(
      async () => {
        const status = await engine.handle(tenant, key).query(statusQuery);
        return ready(status) ? status : undefined;
      },
      { what: `${tenant}/${key} to reach the expected state` },
    );

  it('refuses a malformed or misnamed signal (acting on nothing, listed by the status query), and a retried route keeps no dead letter id (issue 31 E, G)', async () => {
    const endpoint = await deadEndpoint();
    await addSubscription(engine.database.db, {
      name: 'sv-dl',
      tenant: 'dlsig',
      events: '*',
      target: { kind: 'webhook', config: { url: endpoint.url, secret: generateWebhookSecret() } },
      retryPolicy: { maximumAttempts: 1 },
    });
    await enqueue(engine.database.pool, { tenant: 'dlsig', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'dlsig-a' });
    await queryStatus('dlsig', 'dlsig-a', (status) => status.routes[0]?.state === 'dead_lettered');
    const handle = engine.handle('dlsig', 'dlsig-a');
    const sink = await endpoint.revive();
    // What the Temporal UI's Signal button lets anyone type: a string, and a name in the wrong case.
    await handle.signal('retry', { subscriptions: 'not-sv-dl-at-all' } as never);
    await handle.signal('retry', { subscriptions: ['sv-DL'] });
    const refused = await queryStatus('dlsig', 'dlsig-a', (status) => (status.refusedSignals?.length ?? 0) === 2);
    expect(refused.routes[0]).toMatchObject({ state: 'dead_lettered', deadLetterId: expect.any(String) as unknown });
    expect(refused.refusedSignals?.map((signal) => signal.reason)).toEqual([
      'subscriptions must be a list of names, e.g. ["erp"]; got a string',
      'no route of this event is named "sv-DL" (names match exactly); its routes: sv-dl',
    ]);
    expect(sink.requests).toHaveLength(0);
    await handle.signal('retry', { subscriptions: ['sv-dl'], actor: 'cli:test' });
    const delivered = await queryStatus('dlsig', 'dlsig-a', (status) => status.routes[0]?.state === 'delivered');
    expect(delivered.routes[0]?.deadLetterId).toBeUndefined();
    const [resolved] = await engine.database.db
      .selectFrom('outbox.dead_letters')
      .select(['resolution', 'resolved_by'])
      .where('tenant_id', '=', 'dlsig')
      .execute();
    expect(resolved).toEqual({ resolution: 'retried', resolved_by: 'cli:test' });
  });

  it('a delivery to a dead endpoint is dead-lettered, stays visible, and the real `temporal workflow signal --name retry` delivers it', async () => {
    const endpoint = await deadEndpoint();
    await addSubscription(engine.database.db, {
      name: 'down',
      tenant: 'dl1',
      events: '*',
      target: { kind: 'webhook', config: { url: endpoint.url, secret: generateWebhookSecret() } },
      retryPolicy: { maximumAttempts: 3, initialInterval: '10ms' },
    });
    const eventId = await enqueue(engine.database.pool, { tenant: 'dl1', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'dl1-a' });
    const workflowId = engine.database.workflowId('dl1', 'dl1-a');

    const [deadLetter] = await waitFor(async () => ((await openDeadLetters('dl1')).length === 1 ? openDeadLetters('dl1') : undefined), {
      what: 'one dead letter',
    });
    expect(deadLetter).toMatchObject({ event_id: eventId, subscription_name: 'down', attempts: 3, last_status_code: null, workflow_id: workflowId });
    expect(deadLetter?.last_error).toMatch(/^could not reach target: .*ECONNREFUSED/);
    expect(await countEventsByStatus(engine.database.db, { tenant: 'dl1' })).toEqual({ dead_lettered: 1 });

    // What an operator sees: the workflow is Running and listed under OutboxStatus = "DeadLettered".
    const env = operatorEnv(engine.database, engine.taskQueue);
    const listed = await waitFor(
      async () => {
        const result = await runCli(['temporal', '--', 'workflow', 'list', '--query', 'OutboxStatus = "DeadLettered" AND OutboxTenant = "dl1"'], env);
        return result.stdout.includes(workflowId) ? result.stdout : undefined;
      },
      { what: 'the stuck workflow in `temporal workflow list --query`' },
    );
    expect(listed).toMatch(new RegExp(`Running\\s+${workflowId}\\s+deliverEvent`));
    const queried = await runCli(['temporal', '--', 'workflow', 'query', '--workflow-id', workflowId, '--name', 'status', '--output', 'json'], env);
    expect(queried.code).toBe(0);
    expect(queried.stdout).toContain('"state": "dead_lettered"');
    expect(queried.stdout).toContain('"attempts": 3');
    expect(queried.stdout).toContain('ECONNREFUSED');

    const sink = await endpoint.revive();
    const signalled = await runCli(['temporal', '--', 'workflow', 'signal', '--workflow-id', workflowId, '--name', 'retry'], env);
    expect(signalled.code).toBe(0);

    const result = await engine.result<DeliverEventResult>('dl1', 'dl1-a');
    expect(result.status).toBe('Delivered');
    expect(result.routes).toEqual([expect.objectContaining({ subscriptionName: 'down', state: 'delivered', attempts: 1, passes: 2 })]);
    expect(sink.countsById().get('dl1-a')).toBe(1);
    const resolved = await engine.database.db
      .selectFrom('outbox.dead_letters')
      .select(['resolution', 'resolved_at'])
      .where('id', '=', deadLetter!.id)
      .executeTakeFirstOrThrow();
    expect(resolved.resolution).toBe('retried');
    expect(resolved.resolved_at).toBeInstanceOf(Date);
    expect(await countEventsByStatus(engine.database.db, { tenant: 'dl1' })).toEqual({ delivered: 1 });
  });

  it('`outbox dlq discard` and `dlq retry --all` on 20 dead letters, while the healthy subscription is delivered at once', async () => {
    const healthy = await new WebhookSink().start();
    sinks.push(healthy);
    const endpoint = await deadEndpoint();
    const secret = generateWebhookSecret();
    await addSubscription(engine.database.db, {
      name: 'healthy',
      tenant: 'dl2',
      events: 'two.*',
      target: { kind: 'webhook', config: { url: healthy.url, secret } },
    });
    await addSubscription(engine.database.db, {
      name: 'dead',
      tenant: 'dl2',
      events: 'two.*',
      target: { kind: 'webhook', config: { url: endpoint.url, secret } },
      retryPolicy: { maximumAttempts: 2, initialInterval: '10ms' },
    });
    for (let i = 0; i < 20; i += 1) await enqueue(engine.database.pool, { tenant: 'dl2', type: 'two.event', payload: { i }, idempotencyKey: `dl2-${i}` });

    await waitFor(() => healthy.countsById().size === 20, { what: 'the healthy subscription to get all 20 events' });
    const deadLetters = await waitFor(async () => ((await openDeadLetters('dl2')).length === 20 ? openDeadLetters('dl2') : undefined), {
      what: '20 dead letters',
    });
    const env = operatorEnv(engine.database, engine.taskQueue);
    const listed = await runCli(['dlq', 'list', '--tenant', 'dl2', '--json'], env);
    const openInDatabase = async () =>
      (await engine.database.db.selectFrom('outbox.dead_letters').select('id').where('resolved_at', 'is', null).execute()).length;
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(20);
    const table = await runCli(['dlq', 'list', '--tenant', 'dl2'], env);
    expect(table.stdout).toMatch(/^ID\s+EVENT\s+TENANT\s+TYPE\s+KEY\s+SUBSCRIPTION\s+ATTEMPTS\s+HTTP\s+AGE\s+LAST ERROR$/m);
    expect(table.stdout).toContain('20 open dead letter(s)');

    const discardIds = deadLetters.slice(0, 5).map((deadLetter) => deadLetter.id);
    const discarded = await runCli(['dlq', 'discard', ...discardIds, '--reason', 'endpoint retired'], env);
    expect(discarded.stderr).toBe('');
    expect(discarded.stdout).toMatch(/^discard signalled for 5 dead letter\(s\) on 5 workflow\(s\)/);
    expect(discarded.code).toBe(0);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'dl2' })).discarded === 5, { what: '5 events discarded' });
    const discardedRows = await engine.database.db
      .selectFrom('outbox.dead_letters')
      .select(['resolution', 'resolution_reason'])
      .where('id', 'in', discardIds)
      .execute();
    expect(discardedRows).toEqual(Array.from({ length: 5 }, () => ({ resolution: 'discarded', resolution_reason: 'endpoint retired' })));

    const revived = await endpoint.revive();
    const retried = await runCli(['dlq', 'retry', '--all', '--tenant', 'dl2', '--events', 'two.*'], env);
    expect(retried.stdout).toMatch(/^retry signalled for 15 dead letter\(s\) on 15 workflow\(s\)/);
    expect(retried.code).toBe(0);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'dl2' })).delivered === 15, {
      what: '15 events delivered after the retry',
    });
    expect(revived.countsById().size).toBe(15);
    expect([...revived.countsById().values()].every((count) => count === 1)).toBe(true);
    expect(healthy.requests).toHaveLength(20);
    expect(await openDeadLetters('dl2')).toEqual([]);
    const status = await runCli(['status'], env);
    expect(status.stdout).toMatch(new RegExp(`^open dead letters\\s+${await openInDatabase()}$`, 'm'));
  });

  it('refuses dead-letter commands with nothing to act on, naming what to pass', async () => {
    const env = operatorEnv(engine.database, engine.taskQueue);
    const none = await runCli(['dlq', 'retry'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: Name the dead letters to retry \(ids from `outbox dlq list`\), or pass --all/);
    const noReason = await runCli(['dlq', 'discard', '1'], env);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain("error: required option '--reason <text>' not specified");
    const unknown = await runCli(['dlq', 'retry', '999999'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('dead letter 999999: not open');
  });

  it('backs off by the coefficient: attempt times in outbox.deliveries grow ×2', async () => {
    const sink = await new WebhookSink().start();
    sinks.push(sink);
    sink.responder = (request, index) => (request.id === 'backoff-1' && index < 3 ? { status: 503 } : { status: 200 });
    await addSubscription(engine.database.db, {
      name: 'backoff',
      tenant: 'dl3',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      // No jitter: the exact exponential schedule.
      retryPolicy: { maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 2, jitter: 0 },
    });
    const eventId = await enqueue(engine.database.pool, { tenant: 'dl3', type: 'x.y', payload: {}, idempotencyKey: 'backoff-1' });
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'dl3' })).delivered === 1, { what: 'delivery after 3 failures' });
    const attempts = await engine.database.db
      .selectFrom('outbox.deliveries')
      .select(['attempt', 'attempted_at'])
      .where('event_id', '=', eventId)
      .orderBy('attempt')
      .execute();
    expect(attempts.map((row) => row.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = attempts.slice(1).map((row, i) => row.attempted_at.getTime() - attempts[i]!.attempted_at.getTime());
    // Retries come no sooner than 1s, 2s and 4s after the previous attempt. (Temporal does not
    // retry activities sooner than about a second apart, so the policy starts at 1s.)
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** i * 0.95));
    for (let i = 1; i < gaps.length; i += 1) expect(gaps[i]! / gaps[i - 1]!).toBeGreaterThan(1.4);
  });

  it('gives up at the policy deadline and says so in the dead letter', async () => {
    const endpoint = await deadEndpoint();
    await addSubscription(engine.database.db, {
      name: 'deadline',
      tenant: 'dl4',
      events: '*',
      target: { kind: 'webhook', config: { url: endpoint.url, secret: generateWebhookSecret() } },
      retryPolicy: { maximumAttempts: 1000, initialInterval: '200ms', backoffCoefficient: 1, deadline: '1s' },
    });
    await enqueue(engine.database.pool, { tenant: 'dl4', type: 'x.y', payload: {}, idempotencyKey: 'deadline-1' });
    const status = await queryStatus('dl4', 'deadline-1', (s) => s.status === 'DeadLettered');
    expect(status.routes[0]?.lastError).toMatch(/^the delivery deadline passed; last error: could not reach target: .*ECONNREFUSED/);
    const [deadLetter] = await openDeadLetters('dl4');
    expect(deadLetter?.last_error).toBe(status.routes[0]?.lastError);
    await engine.handle('dl4', 'deadline-1').terminate('test over');
  });

  it('a missing explicit target is dead-lettered, and delivered by a retry once the subscription exists', async () => {
    await enqueue(engine.database.pool, { tenant: 'dl5', type: 'x.y', payload: {}, idempotencyKey: 'later-1', targets: ['later'] });
    const status = await queryStatus('dl5', 'later-1', (s) => s.status === 'DeadLettered');
    expect(status.routes).toEqual([
      expect.objectContaining({ subscriptionName: 'later', state: 'dead_lettered', lastError: 'no subscription named "later" for tenant dl5' }),
    ]);
    const sink = await new WebhookSink().start();
    sinks.push(sink);
    await addSubscription(engine.database.db, {
      name: 'later',
      tenant: 'dl5',
      events: 'never',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
    const retried = await runCli(['dlq', 'retry', '--all', '--tenant', 'dl5'], operatorEnv(engine.database, engine.taskQueue));
    expect(retried.code).toBe(0);
    expect((await engine.result<DeliverEventResult>('dl5', 'later-1')).status).toBe('Delivered');
    expect(sink.countsById().get('later-1')).toBe(1);
  });
});

describe('dead-letter hold', () => {
  it('expires a dead letter nobody acts on, marking the event expired rather than dropping it', async () => {
    const engine = await startTestEngine(() => createTestDatabase(), { prefix: 'hold', relay: { deadLetterHoldMs: 1500 } });
    try {
      await addSubscription(engine.database.db, {
        name: 'gone',
        events: '*',
        target: { kind: 'webhook', config: { url: `http://127.0.0.1:${await freePort()}/hook`, secret: generateWebhookSecret() } },
        retryPolicy: { maximumAttempts: 1 },
      });
      const eventId = await enqueue(engine.database.pool, { tenant: 'hold', type: 'x.y', payload: {}, idempotencyKey: 'hold-1' });
      const result = await waitFor(async () => await engine.result<DeliverEventResult>('hold', 'hold-1'), { what: 'the hold to expire' });
      expect(result.status).toBe('Expired');
      expect(result.routes[0]?.state).toBe('expired');
      const deadLetter = await engine.database.db
        .selectFrom('outbox.dead_letters')
        .select(['resolution', 'resolution_reason'])
        .where('event_id', '=', eventId)
        .executeTakeFirstOrThrow();
      expect(deadLetter).toEqual({ resolution: 'expired', resolution_reason: 'no operator action within the dead-letter hold' });
      expect(await countEventsByStatus(engine.database.db, { tenant: 'hold' })).toEqual({ expired: 1 });
    } finally {
      await engine.stop();
    }
  });
});
