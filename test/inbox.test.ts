// The consumer inbox against real PostgreSQL: signed deliveries run the handler once, however
// often they are redelivered, and only when the handler's transaction commits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createInbox, type Inbox } from '../src/inbox/create-inbox.js';
import { generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

describe('consumer inbox', () => {
  let database: TestDatabase;
  let inbox: Inbox;
  const secret = generateWebhookSecret();
  const signer = new Webhook(secret);
  const delivery = (id: string, data: unknown, at = new Date()) => {
    const body = JSON.stringify({ type: 'order.created', id, data });
    return {
      body,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body) },
    };
  };

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    await database.pool.query('CREATE TABLE effects (webhook_id text, amount int)');
    inbox = createInbox(database.pool, { secret });
    await inbox.ensureTable();
  });
  afterAll(async () => database?.drop());

  const effects = async (id: string) =>
    (await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM effects WHERE webhook_id = $1', [id])).rows[0]!.n;
  const handler = async (event: { id: string; data: unknown }, client: { query: (text: string, values: unknown[]) => Promise<unknown> }) => {
    await client.query('INSERT INTO effects VALUES ($1, $2)', [event.id, (event.data as { amount: number }).amount]);
  };

  it('runs the handler once per webhook-id, acknowledging redeliveries without running it again', async () => {
    const request = delivery('order-1', { amount: 5 });
    expect(await inbox.handle(request, handler)).toMatchObject({ status: 200 });
    expect(await inbox.handle(request, handler)).toMatchObject({ status: 200, duplicate: true });
    expect(await inbox.handle(delivery('order-1', { amount: 5 }), handler)).toMatchObject({ status: 200, duplicate: true });
    expect(await effects('order-1')).toBe(1);
  });

  it('concurrent redeliveries of one event still have one effect', async () => {
    const request = delivery('order-2', { amount: 7 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => inbox.handle(request, handler)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(await effects('order-2')).toBe(1);
  });

  it('a failing handler leaves no trace, so the retry runs it', async () => {
    const request = delivery('order-3', { amount: 9 });
    const failing = await inbox.handle(request, async (event, client) => {
      await handler(event, client);
      throw new Error('stock service down');
    });
    expect(failing).toMatchObject({ status: 500 });
    expect(failing.body).toContain('stock service down');
    expect(await effects('order-3')).toBe(0);
    expect(await inbox.handle(request, handler)).toMatchObject({ status: 200 });
    expect(await effects('order-3')).toBe(1);
  });

  it('refuses a bad signature and a stale timestamp without running the handler', async () => {
    const forged = { ...delivery('order-4', { amount: 1 }), body: JSON.stringify({ type: 'order.created', id: 'order-4', data: { amount: 1000 } }) };
    expect(await inbox.handle(forged, handler)).toMatchObject({ status: 401 });
    const stale = delivery('order-5', { amount: 1 }, new Date(Date.now() - 10 * 60_000));
    const answer = await inbox.handle(stale, handler);
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('timestamp');
    expect(await effects('order-4')).toBe(0);
    expect(await effects('order-5')).toBe(0);
  });
});
