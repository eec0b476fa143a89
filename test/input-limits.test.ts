// Input limits against real PostgreSQL: oversized payloads are refused with a clear error by the
// SQL function and the TypeScript helper, and nothing is written; header values cannot smuggle
// in extra headers.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { InvalidEventError } from '../src/events/invalid-event-error.js';
import { addSubscription, generateWebhookSecret, InvalidSubscriptionError } from '../src/subscriptions/subscription-store.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

describe('input limits', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  const count = async (tenant: string) =>
    (
      await database.db
        .selectFrom('outbox.events')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('tenant_id', '=', tenant)
        .executeTakeFirstOrThrow()
    ).n;
  const big = (bytes: number) => ({ blob: 'x'.repeat(bytes) });

  it('outbox.enqueue refuses a payload above 1 MiB (or the database setting), naming p_payload and the limit', async () => {
    await expect(sql`SELECT outbox.enqueue('limits', 'big.event', ${JSON.stringify(big(1_100_000))}::jsonb, 'big-1')`.execute(database.db)).rejects.toThrow(
      /p_payload is \d+ bytes, above the limit of 1048576 bytes/,
    );
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SET LOCAL outbox.max_payload_bytes = '1000'");
      await expect(client.query("SELECT outbox.enqueue('limits', 'big.event', $1::jsonb, 'big-2')", [JSON.stringify(big(2000))])).rejects.toThrow(
        /above the limit of 1000 bytes/,
      );
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await sql`SELECT outbox.enqueue('limits', 'small.event', ${JSON.stringify(big(500_000))}::jsonb, 'fits-1')`.execute(database.db);
    expect(await count('limits')).toBe(1);
  });

  it('the TypeScript helper refuses it before any SQL, naming the field, with OUTBOX_MAX_PAYLOAD_BYTES as the limit', async () => {
    process.env.OUTBOX_MAX_PAYLOAD_BYTES = '2000';
    try {
      const error = await enqueue(database.pool, { tenant: 'limits-ts', type: 'big.event', payload: big(3000), idempotencyKey: 'ts-big' }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as Error).message).toMatch(/payload: is 30\d\d bytes, above the limit of 2000 bytes \(OUTBOX_MAX_PAYLOAD_BYTES\)/);
    } finally {
      delete process.env.OUTBOX_MAX_PAYLOAD_BYTES;
    }
    expect(await count('limits-ts')).toBe(0);
  });

  it('header values with CR/LF are refused when the subscription is added, naming the header', async () => {
    const error = await addSubscription(database.db, {
      name: 'smuggler',
      events: '*',
      target: { kind: 'webhook', config: { url: 'https://example.com/hook', secret: generateWebhookSecret(), headers: { 'X-Team': 'ops\r\nX-Admin: yes' } } },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidSubscriptionError);
    expect((error as Error).message).toContain('headers.X-Team: header values must not contain control characters');
    const n8n = await addSubscription(database.db, {
      name: 'smuggler-n8n',
      events: '*',
      target: { kind: 'n8n', config: { url: 'https://example.com/webhook', auth: { type: 'header', name: 'X-Key', value: 'a\nb' } } },
    }).catch((caught: unknown) => caught);
    expect(n8n).toBeInstanceOf(InvalidSubscriptionError);
    expect(await database.db.selectFrom('outbox.subscriptions').select('name').where('name', 'like', 'smuggler%').execute()).toEqual([]);
  });
});
