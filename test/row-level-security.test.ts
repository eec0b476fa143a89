// Tenant isolation in PostgreSQL: connected as an application role (member of outbox_app) with
// app.tenant_id set to A, tenant B's events, deliveries and dead letters are invisible and cannot
// be changed, and enqueueing for B is refused with a message saying why; an engine role (member
// of outbox_engine, not the owner) runs a real `outbox start` and delivers the app's events.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { ADMIN_DATABASE_URL } from './helpers/database-urls.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { inTenantTransaction } from './helpers/in-tenant-transaction.js';
import { spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

/** The same database URL, logged in as another role (trust authentication on this machine). */
function asRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = '';
  return parsed.toString();
}

describe('row-level security per tenant', () => {
  let database: TestDatabase;
  let app: pg.Pool;
  const suffix = randomBytes(4).toString('hex');
  const appRole = `outbox_test_app_${suffix}`;
  const engineRole = `outbox_test_engine_${suffix}`;

  /** Runs `work` in a transaction of the app role with app.tenant_id = tenant (if given). */
  const asTenant = <T>(tenant: string | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> => inTenantTransaction(app, tenant, work);

  beforeAll(async () => {
    database = await createTestDatabase();
    // Login roles are cluster-wide: unique names, dropped afterwards.
    await sql.raw(`CREATE ROLE ${appRole} LOGIN IN ROLE outbox_app; CREATE ROLE ${engineRole} LOGIN IN ROLE outbox_engine`).execute(database.db);
    app = new pg.Pool({ connectionString: asRole(database.url, appRole), max: 2 });
    // Tenant B's rows, written by the owner: an event with a delivery and a dead letter.
    const b = await enqueue(database.pool, { tenant: 'tenant-b', type: 'order.created', payload: { secret: 'b' }, idempotencyKey: 'b-1' });
    await sql`INSERT INTO outbox.deliveries (event_id, tenant_id, target_kind, target, attempt, outcome, duration_ms, workflow_id)
              VALUES (${b}, 'tenant-b', 'webhook', 'http://b', 1, 'permanent_failure', 1, 'outbox:tenant-b:b-1')`.execute(database.db);
    await sql`INSERT INTO outbox.dead_letters (event_id, subscription_name, tenant_id, attempts, last_error, workflow_id)
              VALUES (${b}, 'b-sub', 'tenant-b', 1, 'refused', 'outbox:tenant-b:b-1')`.execute(database.db);
  });
  afterAll(async () => {
    await app?.end();
    await database?.drop();
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${appRole}`);
    await admin.query(`DROP ROLE IF EXISTS ${engineRole}`);
    await admin.end();
  });

  it('every outbox table has row-level security on and a policy for the engine role', async () => {
    const tables = await sql<{ table: string; rls: boolean; engine_policy: boolean }>`
      SELECT c.relname AS table, c.relrowsecurity AS rls,
             EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polroles @> ARRAY[(SELECT oid FROM pg_roles WHERE rolname = 'outbox_engine')]) AS engine_policy
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'outbox' AND c.relkind = 'r' ORDER BY 1`.execute(database.db);
    expect(tables.rows.length).toBeGreaterThan(10);
    expect(tables.rows.filter((row) => !row.rls || !row.engine_policy)).toEqual([]);
  });

  it("tenant A's app role enqueues for A and sees only A's rows", async () => {
    const id = await asTenant('tenant-a', async (client) => {
      const { rows } = await client.query<{ id: string }>("SELECT outbox.enqueue('tenant-a', 'order.created', '{\"n\": 1}', 'a-1') AS id");
      // The idempotent repeat finds the same row through the tenant's own view.
      const again = await client.query<{ id: string }>("SELECT outbox.enqueue('tenant-a', 'order.created', '{\"n\": 1}', 'a-1') AS id");
      expect(again.rows[0]?.id).toBe(rows[0]?.id);
      return rows[0]?.id;
    });
    const seen = await asTenant('tenant-a', async (client) => ({
      events: (await client.query<{ id: string; tenant_id: string }>('SELECT id, tenant_id FROM outbox.events')).rows,
      deliveries: (await client.query('SELECT * FROM outbox.deliveries')).rowCount,
      deadLetters: (await client.query('SELECT * FROM outbox.dead_letters')).rowCount,
      byKey: (await client.query("SELECT * FROM outbox.events WHERE idempotency_key = 'b-1'")).rowCount,
    }));
    expect(seen).toEqual({ events: [{ id, tenant_id: 'tenant-a' }], deliveries: 0, deadLetters: 0, byKey: 0 });
    // Without a tenant set, nothing at all is visible.
    expect((await asTenant(undefined, (client) => client.query('SELECT * FROM outbox.events'))).rowCount).toBe(0);
  });

  it("tenant B's rows cannot be updated or deleted by A's role, and enqueue for B is refused with a clear message", async () => {
    for (const statement of [
      "UPDATE outbox.events SET status = 'discarded' WHERE tenant_id = 'tenant-b'",
      "DELETE FROM outbox.events WHERE tenant_id = 'tenant-b'",
      "UPDATE outbox.dead_letters SET resolution = 'discarded'",
      'DELETE FROM outbox.deliveries',
    ]) {
      await expect(
        asTenant('tenant-a', (client) => client.query(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
    }
    await expect(asTenant('tenant-a', (client) => client.query("SELECT outbox.enqueue('tenant-b', 'order.created', '{}', 'forged')"))).rejects.toThrow(
      "outbox.enqueue: p_tenant 'tenant-b' is not this session's tenant (app.tenant_id is 'tenant-a')",
    );
    await expect(asTenant(undefined, (client) => client.query("SELECT outbox.enqueue('tenant-a', 'order.created', '{}', 'no-tenant')"))).rejects.toThrow(
      /app\.tenant_id is not set/,
    );
    await expect(asTenant('tenant-a', (client) => client.query('SELECT * FROM outbox.subscriptions'))).rejects.toThrow(/permission denied/);
    // The owner still sees B's rows as they were, and nothing forged was written.
    const rows = await sql<{
      tenant_id: string;
      idempotency_key: string;
      status: string;
    }>`SELECT tenant_id, idempotency_key, status FROM outbox.events ORDER BY id`.execute(database.db);
    expect(rows.rows).toEqual([
      { tenant_id: 'tenant-b', idempotency_key: 'b-1', status: 'pending' },
      { tenant_id: 'tenant-a', idempotency_key: 'a-1', status: 'pending' },
    ]);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox.dead_letters WHERE resolution IS NULL`.execute(database.db)).rows[0]?.n).toBe(1);
  });

  it('an engine role that does not own the tables runs `outbox start` and delivers the tenants\u2019 events', async () => {
    const sink = await new WebhookSink().start();
    let engine: ChildProcess | undefined;
    try {
      // Tenant B's planted event and its dead letter are not for this sink: deliver A's only.
      await addSubscription(database.db, {
        name: 'a-hooks',
        tenant: 'tenant-a',
        events: '*',
        target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      });
      engine = spawnCli(['start', '--no-http'], {
        DATABASE_URL: asRole(database.url, engineRole),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('rls'),
        OUTBOX_RELAY_POLL_INTERVAL: '200ms',
      });
      let stderr = '';
      engine.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      await asTenant('tenant-a', (client) => client.query("SELECT outbox.enqueue('tenant-a', 'order.paid', '{\"n\": 2}', 'a-2')"));
      await waitFor(() => sink.requests.length >= 2, { what: "tenant A's two events at the sink", describe: () => stderr });
      expect(sink.requests.map((request) => request.id).sort()).toEqual(['a-1', 'a-2']);
      const status = await waitFor(
        async () => {
          const { rows } = await sql<{ status: string }>`SELECT status FROM outbox.events WHERE tenant_id = 'tenant-a' ORDER BY id`.execute(database.db);
          return rows.every((row) => row.status === 'delivered') ? rows : undefined;
        },
        { what: "the engine role to mark A's events delivered", describe: () => stderr },
      );
      expect(status).toHaveLength(2);
    } finally {
      if (engine && engine.exitCode === null) {
        const exited = new Promise((resolve) => engine?.once('exit', resolve));
        engine.kill('SIGTERM');
        await exited;
      }
      await sink.stop();
    }
  });
});
