// Migrations against real, initially empty databases.
import { cp, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MigrationError, MIGRATIONS_DIR, pendingMigrations, readMigrationFiles } from '../src/db/migrate.js';
import { CLAIM_PENDING_EVENTS_SQL } from '../src/outbox/claim-pending-events.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

describe('migrations', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const emptyDatabase = async (): Promise<TestDatabase> => {
    const database = await createTestDatabase({ migrated: false });
    cleanups.push(() => database.drop());
    return database;
  };
  const scratchDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'outbox-migrations-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };

  it('applies every migration to an empty database and records each', async () => {
    const database = await emptyDatabase();
    const files = await readMigrationFiles();
    const result = await migrate(database.pool);
    expect(result.applied).toEqual(files.map((file) => file.name));
    const tables = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'outbox' ORDER BY 1`.execute(database.db);
    expect(tables.rows.map((row) => row.name)).toEqual([
      'api_idempotency',
      'api_keys',
      'circuit_breakers',
      'dead_letters',
      'deliveries',
      'delivery_leases',
      'endpoint_reports',
      'endpoint_throttle',
      'event_types',
      'events',
      'fanout_rules',
      'installation',
      'migrations',
      'operator_actions',
      'ordered_deliveries',
      'portal_link_revocations',
      'saga_step_results',
      'sagas',
      'settings',
      'signing_keys',
      'subscription_audit',
      'subscription_breakers',
      'subscriptions',
      'tenant_flow_control',
      'tenant_permissions',
    ]);
    expect(await pendingMigrations(database.pool)).toEqual([]);
  });

  it('running twice is a no-op', async () => {
    const database = await emptyDatabase();
    await migrate(database.pool);
    const second = await migrate(database.pool);
    expect(second.applied).toEqual([]);
    const rows = await database.db.selectFrom('outbox.migrations').select('id').execute();
    expect(rows).toHaveLength((await readMigrationFiles()).length);
  });

  it('many concurrent migrators apply each migration exactly once', async () => {
    const database = await emptyDatabase();
    const results = await Promise.all(Array.from({ length: 6 }, () => migrate(database.pool)));
    const applied = results.flatMap((result) => result.applied);
    expect(applied.sort()).toEqual((await readMigrationFiles()).map((file) => file.name).sort());
    expect(results.filter((result) => result.applied.length > 0)).toHaveLength(1);
  });

  it('a failing migration rolls back everything, even the bookkeeping table', async () => {
    const database = await emptyDatabase();
    const dir = await scratchDir();
    await writeFile(join(dir, '0001_ok.sql'), 'CREATE TABLE outbox.fine (id int);');
    await writeFile(join(dir, '0002_broken.sql'), 'CREATE TABLE outbox.broken (id int REFERENCES nowhere (id));');
    await expect(migrate(database.pool, { dir })).rejects.toThrow(/Migration 0002_broken.sql failed: .*nowhere.*Nothing was applied/);
    const leftover = await sql<{ fine: string | null; migrations: string | null }>`
      SELECT to_regclass('outbox.fine')::text AS fine, to_regclass('outbox.migrations')::text AS migrations`.execute(database.db);
    expect(leftover.rows[0]).toEqual({ fine: null, migrations: null });
  });

  it('refuses to run when an applied migration file was edited', async () => {
    const database = await emptyDatabase();
    const dir = await scratchDir();
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await migrate(database.pool, { dir });
    await appendFile(join(dir, '0002_events.sql'), '\n-- an innocent-looking edit\n');
    await expect(migrate(database.pool, { dir })).rejects.toThrow(MigrationError);
    await expect(migrate(database.pool, { dir })).rejects.toThrow(/0002_events.sql changed after it was applied/);
  });

  it('finding pending events reads the same few pages with 10 rows, 200 000 delivered ones or 20 000 held ones', async () => {
    const database = await emptyDatabase();
    await migrate(database.pool);
    const claimCost = async () => {
      await sql`ANALYZE outbox.events`.execute(database.db);
      const client = await database.pool.connect();
      try {
        await client.query('BEGIN');
        const plan = await client.query<{ 'QUERY PLAN': { Plan: Record<string, number> }[] }>(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${CLAIM_PENDING_EVENTS_SQL}`,
          [100, 100, '', 1000, 30, []],
        );
        await client.query('ROLLBACK');
        const root = plan.rows[0]?.['QUERY PLAN'][0]?.Plan ?? {};
        return {
          usesPartialIndex: JSON.stringify(plan.rows[0]).includes('events_claimable_tenant_idx'),
          pages: (root['Shared Hit Blocks'] ?? 0) + (root['Shared Read Blocks'] ?? 0),
        };
      } finally {
        client.release();
      }
    };
    await sql`INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, payload)
              SELECT 'acme', 'p-' || g, 'order.created', '{}' FROM generate_series(1, 10) g`.execute(database.db);
    const small = await claimCost();
    await sql`INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, payload, status)
              SELECT 'acme', 'd-' || g, 'order.created', '{}', 'delivered' FROM generate_series(1, 200000) g`.execute(database.db);
    await sql`VACUUM outbox.events`.execute(database.db);
    const large = await claimCost();
    // With 10 rows PostgreSQL rightly reads the one-page table directly; with 200 000 delivered
    // rows it must go through the partial index, touching about as few pages as before. A scan
    // of the table would touch thousands.
    const table = await sql<{ pages: number }>`SELECT (pg_relation_size('outbox.events') / 8192)::int AS pages`.execute(database.db);
    expect(table.rows[0]?.pages).toBeGreaterThan(1000);
    expect(large.usesPartialIndex).toBe(true);
    expect(large.pages).toBeLessThanOrEqual(Math.max(small.pages, 10) * 3);

    // Events held for an open breaker (0030) are pending too, but outside the claim's index: 20 000
    // of them, older than every claimable one, cost the claim nothing either.
    await sql`INSERT INTO outbox.events (id, tenant_id, idempotency_key, event_type, payload, held_for) OVERRIDING SYSTEM VALUE
              SELECT -g, 'acme', 'h-' || g, 'order.created', '{}', ARRAY['webhook: down'] FROM generate_series(1, 20000) g`.execute(database.db);
    await sql`VACUUM outbox.events`.execute(database.db);
    const held = await claimCost();
    expect(held.usesPartialIndex).toBe(true);
    expect(held.pages).toBeLessThanOrEqual(Math.max(small.pages, 10) * 3);
  });
});
