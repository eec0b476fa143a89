// Data errors no retry can fix (rows edited by hand) end as dead letters with the reason, or as a
// finished event, never as a workflow whose routing step retries forever.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('permanent data errors', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  beforeAll(async () => {
    [engine, sink] = await Promise.all([startTestEngine(() => createTestDatabase(), { prefix: 'data-errors' }), new WebhookSink().start()]);
  });
  afterAll(async () => {
    await sink?.stop();
    await engine?.stop();
  });
  const statusOf = async (key: string) =>
    (await engine.database.db.selectFrom('outbox.events').select('status').where('idempotency_key', '=', key).executeTakeFirstOrThrow()).status;

  it('a hand-edited retry_policy that no longer parses dead-letters the delivery, naming the field, and sends nothing', async () => {
    await addSubscription(engine.database.db, {
      name: 'edited',
      tenant: 'de1',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
    await sql`UPDATE outbox.subscriptions SET retry_policy = '{"maximumAttempts": "lots"}' WHERE name = 'edited'`.execute(engine.database.db);
    const eventId = await enqueue(engine.database.pool, { tenant: 'de1', type: 'order.created', payload: {}, idempotencyKey: 'edited-1' });
    const deadLetter = await waitFor(
      () => engine.database.db.selectFrom('outbox.dead_letters').select('last_error').where('event_id', '=', eventId).executeTakeFirst(),
      { what: 'a dead letter for the unusable policy' },
    );
    expect(deadLetter.last_error).toContain(
      'subscription edited has an invalid stored retry policy (maximumAttempts: Invalid input: expected number, received string)',
    );
    expect(await statusOf('edited-1')).toBe('dead_lettered');
    expect(sink.requests.filter((request) => request.id === 'edited-1')).toEqual([]);
  });

  it('an explicit targets list emptied by hand names no subscription: the event finishes instead of its routing failing forever', async () => {
    await addSubscription(engine.database.db, {
      name: 'anyone',
      tenant: 'de2',
      events: '*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
    await sql`INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, payload, targets) VALUES ('de2', 'empty-targets-1', 'order.created', '{}', '{}')`.execute(
      engine.database.db,
    );
    await waitFor(async () => !['pending', 'dispatched'].includes(await statusOf('empty-targets-1')), { what: 'the event with no targets to finish' });
    expect(await statusOf('empty-targets-1')).toBe('delivered');
    expect(sink.requests.filter((request) => request.id === 'empty-targets-1')).toEqual([]);
  });
});
