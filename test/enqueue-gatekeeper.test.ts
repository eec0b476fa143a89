// The database is the gatekeeper: an application role gets in only through outbox.enqueue, whose
// payload limit a session cannot raise; and one idempotency key is one event, through SQL and the
// TypeScript helper alike.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { ADMIN_DATABASE_URL } from './helpers/database-urls.js';
import { startTestEngine } from './helpers/engine-harness.js';
import { inTenantTransaction } from './helpers/in-tenant-transaction.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('outbox.enqueue as the only way in', () => {
  let database: TestDatabase;
  let app: pg.Pool;
  const appRole = `outbox_test_gate_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    await sql.raw(`CREATE ROLE ${appRole} LOGIN IN ROLE outbox_app`).execute(database.db);
    const url = new URL(database.url);
    url.username = appRole;
    app = new pg.Pool({ connectionString: url.toString(), max: 2 });
  });
  afterAll(async () => {
    await app?.end();
    await database?.drop();
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${appRole}`);
    await admin.end();
  });

  /** Runs `statement` as the app role for tenant acme, in a transaction that commits if it succeeds. */
  async function asApp(statement: string, values: unknown[] = [], setup: string[] = []): Promise<pg.QueryResult<{ id?: string }>> {
    return inTenantTransaction(app, 'acme', async (client) => {
      for (const line of setup) await client.query(line);
      return client.query<{ id?: string }>(statement, values);
    });
  }
  const rowsWithKey = async (key: string) =>
    (await database.db.selectFrom('outbox.events').select(['id', 'event_type', 'payload']).where('idempotency_key', '=', key).execute()).length;

  it('refuses a direct INSERT into outbox.events by the app role, and writes nothing', async () => {
    await expect(
      asApp("INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, payload) VALUES ('acme', 'direct-1', 'order.created', '{}')"),
    ).rejects.toThrow(/permission denied for table events/);
    expect(await rowsWithKey('direct-1')).toBe(0);
    // The door it must use still opens.
    const { rows } = await asApp("SELECT outbox.enqueue('acme', 'order.created', '{}', 'through-enqueue-1') AS id");
    expect(rows[0]?.id).toMatch(/^\d+$/);
  });

  it('refuses an oversized payload even when the session raises outbox.max_payload_bytes, and writes nothing', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(1_100_000) });
    await expect(
      asApp("SELECT outbox.enqueue('acme', 'order.created', $1::jsonb, 'big-1')", [big], ["SET LOCAL outbox.max_payload_bytes = '999999999'"]),
    ).rejects.toThrow(/p_payload is \d+ bytes, above the limit of 1048576 bytes/);
    expect(await rowsWithKey('big-1')).toBe(0);
    // The owner may raise it, in the table only the owner can change.
    await expect(asApp("UPDATE outbox.settings SET value = '999999999' WHERE name = 'max_payload_bytes'")).rejects.toThrow(/permission denied/);
    await sql`UPDATE outbox.settings SET value = '2000000' WHERE name = 'max_payload_bytes'`.execute(database.db);
    try {
      await asApp("SELECT outbox.enqueue('acme', 'order.created', $1::jsonb, 'big-1')", [big]);
      expect(await rowsWithKey('big-1')).toBe(1);
    } finally {
      await sql`UPDATE outbox.settings SET value = '1048576' WHERE name = 'max_payload_bytes'`.execute(database.db);
    }
  });

  it('a reused key with a different payload or type is refused, naming the key; the same event again returns its id', async () => {
    const first = (await asApp("SELECT outbox.enqueue('acme', 'order.created', '{\"total\": 1}', 'reused-1')::text AS id")).rows[0]?.id;
    const again = (await asApp("SELECT outbox.enqueue('acme', 'order.created', '{\"total\": 1}', 'reused-1')::text AS id")).rows[0]?.id;
    expect(again).toBe(first);
    await expect(asApp("SELECT outbox.enqueue('acme', 'order.created', '{\"total\": 2}', 'reused-1')")).rejects.toThrow(
      `p_idempotency_key 'reused-1' of tenant 'acme' is already used by event ${first} with a different payload`,
    );
    await expect(asApp("SELECT outbox.enqueue('acme', 'order.paid', '{\"total\": 1}', 'reused-1')")).rejects.toThrow(
      `already used by event ${first} with a different event type (order.created)`,
    );
    // The TypeScript helper: the same rule, the same message.
    expect(await enqueue(database.pool, { tenant: 'acme', type: 'order.created', payload: { total: 1 }, idempotencyKey: 'reused-1' })).toBe(first);
    await expect(enqueue(database.pool, { tenant: 'acme', type: 'order.created', payload: { total: 3 }, idempotencyKey: 'reused-1' })).rejects.toThrow(
      `p_idempotency_key 'reused-1' of tenant 'acme' is already used by event ${first} with a different payload`,
    );
    const stored = await database.db.selectFrom('outbox.events').select('payload').where('idempotency_key', '=', 'reused-1').execute();
    expect(stored).toEqual([{ payload: { total: 1 } }]);
  });
});

describe('the delivering activity caps the payload it loads', () => {
  it('a row written around outbox.enqueue with a payload above the limit is dead-lettered with the sizes, and nothing is sent', async () => {
    const engine = await startTestEngine(() => createTestDatabase(), { prefix: 'gate' });
    const sink = await new WebhookSink().start();
    try {
      await addSubscription(engine.database.db, {
        name: 'huge',
        events: 'huge.*',
        target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      });
      // The schema's owner may write rows directly; nothing else checks their size.
      const big = JSON.stringify({ blob: 'x'.repeat(1_100_000) });
      await sql`INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, payload) VALUES ('acme', 'huge-1', 'huge.made', ${big}::jsonb)`.execute(
        engine.database.db,
      );
      const deadLetter = await waitFor(
        () => engine.database.db.selectFrom('outbox.dead_letters').select('last_error').where('subscription_name', '=', 'huge').executeTakeFirst(),
        { what: 'the oversized event to be dead-lettered' },
      );
      expect(deadLetter.last_error).toMatch(/payload is \d+ bytes, above the limit of 1048576 bytes/);
      expect(sink.requests).toEqual([]);
    } finally {
      await sink.stop();
      await engine.stop();
    }
  });
});
