// Enqueueing from SQL and from the TypeScript helper, against a real database.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../src/events/define-event.js';
import { enqueue, enqueueMany } from '../src/outbox/enqueue.js';
import { InvalidEventError } from '../src/events/invalid-event-error.js';
import { OUTBOX_CHANNEL } from '../src/outbox/relay.js';
import type { EventRow } from '../src/db/database.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

const OrderCreated = defineEvent('order.created', z.object({ orderId: z.string(), total: z.number().nonnegative() }));

describe('outbox.enqueue (SQL, any language)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  const call = (text: string, values: unknown[] = []) => database.pool.query<{ id: string }>(text, values);
  const rowsFor = async (tenant: string) =>
    (await database.pool.query<EventRow>('SELECT * FROM outbox.events WHERE tenant_id = $1 ORDER BY id', [tenant])).rows;

  it('returns the event id and stores every option', async () => {
    const { rows } = await call(`SELECT outbox.enqueue('sql1', 'order.created', '{"orderId": "7"}', 'o-7',
      '{"aggregate_type": "order", "aggregate_id": "7", "correlation_id": "c-1", "causation_id": "k-0", "event_version": 2, "targets": ["erp"]}') AS id`);
    const [event] = await rowsFor('sql1');
    expect(event).toMatchObject({
      id: rows[0]?.id,
      tenant_id: 'sql1',
      event_type: 'order.created',
      payload: { orderId: '7' },
      idempotency_key: 'o-7',
      aggregate_type: 'order',
      aggregate_id: '7',
      correlation_id: 'c-1',
      causation_id: 'k-0',
      event_version: 2,
      targets: ['erp'],
      status: 'pending',
      // Written by the relay when it dispatches the row.
      workflow_id: null,
    });
  });

  it('a repeated (tenant, key) returns the existing id and writes nothing; another event under it is refused; another tenant may reuse the key', async () => {
    const first = await call(`SELECT outbox.enqueue('sql2', 'order.created', '{"n": 1}', 'same') AS id`);
    const again = await call(`SELECT outbox.enqueue('sql2', 'order.created', '{"n": 1}', 'same') AS id`);
    await expect(call(`SELECT outbox.enqueue('sql2', 'order.paid', '{"n": 2}', 'same') AS id`)).rejects.toThrow(
      /already used by event \d+ with a different event type/,
    );
    const other = await call(`SELECT outbox.enqueue('sql2b', 'order.created', '{"n": 3}', 'same') AS id`);
    expect(again.rows[0]?.id).toBe(first.rows[0]?.id);
    expect(other.rows[0]?.id).not.toBe(first.rows[0]?.id);
    expect(await rowsFor('sql2')).toHaveLength(1);
    expect((await rowsFor('sql2'))[0]?.payload).toEqual({ n: 1 });
  });

  it('a concurrent transaction with the same key waits for the first and returns its id', async () => {
    const a = await database.pool.connect();
    const b = await database.pool.connect();
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      const first = await a.query<{ id: string }>(`SELECT outbox.enqueue('sql3', 'x.y', '{}', 'race') AS id`);
      const second = b.query<{ id: string }>(`SELECT outbox.enqueue('sql3', 'x.y', '{}', 'race') AS id`);
      await a.query('COMMIT');
      expect((await second).rows[0]?.id).toBe(first.rows[0]?.id);
      await b.query('COMMIT');
    } finally {
      a.release();
      b.release();
    }
    expect(await rowsFor('sql3')).toHaveLength(1);
  });

  it('generates a key when none is given', async () => {
    await call(`SELECT outbox.enqueue('sql4', 'x.y', '{}')`);
    await call(`SELECT outbox.enqueue('sql4', 'x.y', '{}', NULL)`);
    const rows = await rowsFor('sql4');
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [`SELECT outbox.enqueue('bad tenant', 'x.y', '{}')`, /p_tenant 'bad tenant' is not a valid tenant id/],
    [`SELECT outbox.enqueue('t', 'not a type', '{}')`, /p_event_type 'not a type' is not a valid event type/],
    [`SELECT outbox.enqueue('t', 'x.y', NULL)`, /p_payload is NULL/],
    [`SELECT outbox.enqueue('t', 'x.y', '{}', 'has space')`, /p_idempotency_key 'has space' is not a valid idempotency key/],
    [`SELECT outbox.enqueue('t', 'x.y', '{}', 'k', '{"aggregate": 1, "colour": 2}')`, /unknown option\(s\) aggregate, colour/],
    [`SELECT outbox.enqueue('t', 'x.y', '{}', 'k', '{"event_version": 0}')`, /"event_version" must be a positive integer/],
    [`SELECT outbox.enqueue('t', 'x.y', '{}', 'k', '{"targets": "erp"}')`, /"targets" must be a non-empty array/],
    [`SELECT outbox.enqueue('t', 'x.y', '{}', 'k', '{"aggregate_id": 42}')`, /option "aggregate_id" must be a string/],
  ])('refuses bad input with an error naming it: %s', async (statement, message) => {
    await expect(call(statement)).rejects.toThrow(message);
    expect(await rowsFor('t')).toHaveLength(0);
  });

  it('notifies the relay on commit only', async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const notes: string[] = [];
    listener.on('notification', (note) => notes.push(note.channel));
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    try {
      const client = await database.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT outbox.enqueue('sql5', 'x.y', '{}', 'rolled')`);
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        await client.query(`SELECT outbox.enqueue('sql5', 'x.y', '{}', 'kept')`);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      // The committed transaction's notification arrives; had the rollback notified, it would
      // have arrived first, so exactly one means the rolled-back one never did.
      await waitFor(() => notes.length >= 1, { what: 'a notification' });
      await listener.query('SELECT 1');
      expect(notes).toEqual([OUTBOX_CHANNEL]);
      expect((await rowsFor('sql5')).map((row) => row.idempotency_key)).toEqual(['kept']);
    } finally {
      await listener.end();
    }
  });
});

describe('enqueue (TypeScript helper)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  const keysOf = async (tenant: string) =>
    (await database.db.selectFrom('outbox.events').select('idempotency_key').where('tenant_id', '=', tenant).orderBy('id').execute()).map(
      (row) => row.idempotency_key,
    );

  it('works inside a kysely transaction and rolls back with it', async () => {
    await database.db
      .transaction()
      .execute((trx) => enqueue(trx, OrderCreated.create({ tenant: 'ts1', idempotencyKey: 'kept', payload: { orderId: '1', total: 5 } })));
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueue(trx, OrderCreated.create({ tenant: 'ts1', idempotencyKey: 'dropped', payload: { orderId: '2', total: 5 } }));
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await keysOf('ts1')).toEqual(['kept']);
  });

  it('works with a Kysely instance, a pg pool and a pg client in BEGIN/COMMIT', async () => {
    const viaKysely = await enqueue(database.db, { tenant: 'ts2', type: 'a.b', payload: 1, idempotencyKey: 'kysely' });
    const viaPool = await enqueue(database.pool, { tenant: 'ts2', type: 'a.b', payload: [1], idempotencyKey: 'pool' });
    const client = await database.pool.connect();
    let viaClient: string;
    try {
      await client.query('BEGIN');
      viaClient = await enqueue(client, { tenant: 'ts2', type: 'a.b', payload: 'text', idempotencyKey: 'client' });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect([viaKysely, viaPool, viaClient].every((id) => /^\d+$/.test(id))).toBe(true);
    expect(await keysOf('ts2')).toEqual(['kysely', 'pool', 'client']);
    expect(await enqueue(database.pool, { tenant: 'ts2', type: 'a.b', payload: [1], idempotencyKey: 'pool' })).toBe(viaPool);
  });

  it('maps options to the SQL function', async () => {
    const id = await enqueue(
      database.pool,
      OrderCreated.create({
        tenant: 'ts3',
        idempotencyKey: 'opts',
        payload: { orderId: '9', total: 1 },
        aggregateType: 'order',
        aggregateId: '9',
        correlationId: 'corr',
        causationId: 'cause',
        eventVersion: 3,
        targets: ['erp'],
      }),
    );
    const row = await database.db.selectFrom('outbox.events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      aggregate_type: 'order',
      aggregate_id: '9',
      correlation_id: 'corr',
      causation_id: 'cause',
      event_version: 3,
      targets: ['erp'],
    });
  });

  it('an invalid payload throws a zod-based error naming the field, and writes nothing', async () => {
    let error: unknown;
    try {
      await database.db
        .transaction()
        .execute((trx) =>
          enqueue(trx, OrderCreated.create({ tenant: 'ts4', idempotencyKey: 'bad', payload: { orderId: '1', total: 'ten' as unknown as number } })),
        );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).message).toMatch(/^Invalid payload for event "order.created": total: .*expected number/);
    expect((error as InvalidEventError).issues[0]?.path).toEqual(['total']);
    expect((error as InvalidEventError).cause).toBeInstanceOf(z.ZodError);
    expect(await keysOf('ts4')).toEqual([]);
  });

  it('a malformed envelope names the field before any SQL runs', async () => {
    await expect(enqueue(database.pool, { tenant: 'has space', type: 'a.b', payload: {} })).rejects.toThrow(/Invalid event: tenant: must be/);
    await expect(enqueue(database.pool, { tenant: 'ts5', type: 'a.b', payload: undefined })).rejects.toThrow(/payload: is required/);
    await expect(enqueue(database.pool, { tenant: 'ts5', type: 'a.b', payload: { big: 1n } })).rejects.toThrow(/payload: is not JSON-serialisable/);
    expect(await keysOf('ts5')).toEqual([]);
  });

  it('enqueueMany writes a batch in one statement, in order, and all-or-nothing', async () => {
    const statements: string[] = [];
    const client = await database.pool.connect();
    const original = client.query.bind(client);
    const counting = {
      query: (text: string, values?: unknown[]) => {
        statements.push(text);
        return original(text, values);
      },
    };
    try {
      const events = Array.from({ length: 50 }, (_, i) => ({ tenant: 'ts6', type: 'a.b', payload: { i }, idempotencyKey: `m-${i}` }));
      const ids = await enqueueMany(counting, [...events, events[3]!]);
      expect(statements).toHaveLength(1);
      expect(ids).toHaveLength(51);
      expect(ids[50]).toBe(ids[3]);
      expect(ids.slice(0, 50).map(Number)).toEqual([...ids.slice(0, 50).map(Number)].sort((a, b) => a - b));

      await expect(
        enqueueMany(counting, [
          { tenant: 'ts7', type: 'a.b', payload: 1 },
          { tenant: 'ts7', type: 'bad type', payload: 2 },
        ]),
      ).rejects.toThrow(/Invalid event #1: type: must be/);
      expect(statements).toHaveLength(1);
    } finally {
      client.release();
    }
    expect(await keysOf('ts6')).toHaveLength(50);
    expect(await keysOf('ts7')).toEqual([]);
    const viaKysely = await enqueueMany(database.db, [{ tenant: 'ts8', type: 'a.b', payload: 1, idempotencyKey: 'k1' }]);
    expect(viaKysely).toHaveLength(1);
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox.events WHERE tenant_id = 'ts8'`.execute(database.db);
    expect(count.rows[0]?.n).toBe(1);
  });

  it('defineEvent refuses a malformed type name', () => {
    expect(() => defineEvent('no spaces please', z.object({}))).toThrow(InvalidEventError);
  });
});
