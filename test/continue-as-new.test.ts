// Long waits and Temporal's history limits: a delivery that waits (a dead letter held for an
// operator, an ordered event behind it) continues as new before its history grows too long, and
// the operator's signals, which go to the workflow id, reach the new run. The relay here sets a
// bound of 10 history events (the default is 10 000). A run checks the bound when it wakes: a
// dead letter parked by its first workflow task has a 9-event history, so the test wakes it with
// a stray signal, as anything (an operator's mistyped retry, a lane's wake-up) would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { orderedTurnSignal, statusQuery, type DeliverEventResult, type EventDeliveryStatus } from '../src/workflows/definitions.js';
import type { DeliveryMemo } from '../src/outbox/start-delivery-workflow.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('continue-as-new while a delivery waits', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  let refuse = true;
  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'can', relay: { pollIntervalMs: 200, historyLimit: 10 } });
    sink = await new WebhookSink().start();
    sink.responder = () => ({ status: refuse ? 500 : 200 });
    for (const [name, ordered] of [
      ['plain', false],
      ['ordered', true],
    ] as const) {
      await addSubscription(engine.database.db, {
        name,
        events: `${name}.*`,
        ordered,
        target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
        retryPolicy: { maximumAttempts: 2, initialInterval: '100ms', backoffCoefficient: 1, jitter: 0 },
      });
    }
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
  });

  /** The run's first history event says whether it continues an earlier run. */
  const continuedRun = async (key: string) => {
    const history = await engine.handle('acme', key).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    return started?.continuedExecutionRunId ? { previousRunId: started.continuedExecutionRunId, events: history.events?.length ?? 0 } : undefined;
  };

  it('a dead-lettered delivery continues as new, keeps its status and memo, and a retry signal sent afterwards still delivers', async () => {
    refuse = true;
    const eventId = await enqueue(engine.database.pool, { tenant: 'acme', type: 'plain.created', payload: { n: 1 }, idempotencyKey: 'plain-1' });
    const handle = engine.handle('acme', 'plain-1');
    await waitFor(async () => (await handle.query<EventDeliveryStatus>(statusQuery).catch(() => undefined))?.routes[0]?.state === 'dead_lettered', {
      what: 'the delivery to be dead-lettered',
    });
    await handle.signal('retry', { subscriptions: ['no-such-route'] });
    const continued = await waitFor(() => continuedRun('plain-1'), { what: 'the dead-lettered workflow to continue as new' });
    expect(continued.previousRunId).not.toBe('');
    // The new run still shows the route as dead-lettered, with its attempts, and the same memo.
    const status = await waitFor(
      async () => {
        const current = await handle.query<EventDeliveryStatus>(statusQuery);
        return current.routes[0]?.state === 'dead_lettered' ? current : undefined;
      },
      { what: 'the continued run to answer its status' },
    );
    expect(status.routes[0]).toMatchObject({ subscriptionName: 'plain', state: 'dead_lettered', attempts: 2, passes: 1 });
    expect(((await handle.describe()).memo as DeliveryMemo).eventId).toBe(eventId);

    refuse = false;
    const retried = await runCli(['dlq', 'retry', '--all'], operatorEnv(engine.database, engine.taskQueue));
    expect(retried.code, retried.stderr).toBe(0);
    const result = (await handle.result()) as DeliverEventResult;
    expect(result.routes[0]).toMatchObject({ subscriptionName: 'plain', state: 'delivered', passes: 2 });
    // The continued run knew OutboxStatus said DeadLettered (carried over), so it says Delivered now.
    expect((await handle.describe()).searchAttributes).toMatchObject({ OutboxStatus: ['Delivered'], OutboxTargets: ['plain'] });
    const row = await engine.database.db.selectFrom('outbox.events').select('status').where('id', '=', eventId).executeTakeFirstOrThrow();
    expect(row.status).toBe('delivered');
    const deadLetter = await engine.database.db
      .selectFrom('outbox.dead_letters')
      .select(['resolution'])
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    expect(deadLetter.resolution).toBe('retried');
    expect(sink.requests.filter((request) => request.id === 'plain-1' && request.status === 200)).toHaveLength(1);
  }, 90_000);

  it('an ordered event waiting behind a dead letter continues as new, and goes once the dead letter is retried', async () => {
    refuse = true;
    const aggregate = { aggregateType: 'order', aggregateId: 'o-7' };
    await enqueue(engine.database.pool, { tenant: 'acme', type: 'ordered.changed', payload: { n: 1 }, idempotencyKey: 'ordered-1', ...aggregate });
    await waitFor(() => continuedRun('ordered-1'), { what: 'the dead-lettered ordered workflow to continue as new' });
    refuse = false;
    await enqueue(engine.database.pool, { tenant: 'acme', type: 'ordered.changed', payload: { n: 2 }, idempotencyKey: 'ordered-2', ...aggregate });
    // The second event waits for its turn (the first is dead-lettered). Its history is short, so
    // it continues as new at its next wake-up: here a stray one (a lane signal for another
    // subscription) rather than its first re-check, a minute away.
    const second = engine.handle('acme', 'ordered-2');
    await waitFor(async () => (await second.query<EventDeliveryStatus>(statusQuery)).routes[0]?.waitingForEvent, {
      what: 'the second event to wait for its turn',
    });
    await second.signal(orderedTurnSignal, { subscriptionId: '0' });
    await waitFor(() => continuedRun('ordered-2'), { what: 'the waiting ordered workflow to continue as new' });
    const waiting = await second.query<EventDeliveryStatus>(statusQuery);
    expect(waiting.routes[0]).toMatchObject({ state: 'delivering', waitingForEvent: expect.any(String) as string });
    expect(sink.requests.filter((request) => request.id === 'ordered-2')).toHaveLength(0);

    const retried = await runCli(['dlq', 'retry', '--all'], operatorEnv(engine.database, engine.taskQueue));
    expect(retried.code, retried.stderr).toBe(0);
    const result = (await second.result()) as DeliverEventResult;
    expect(result.routes[0]).toMatchObject({ state: 'delivered', passes: 1 });
    const delivered = sink.requests.filter((request) => request.status === 200 && request.id.startsWith('ordered-')).map((request) => request.id);
    expect(delivered).toEqual(['ordered-1', 'ordered-2']);
  }, 90_000);
});
