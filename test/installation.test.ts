// Installations sharing one Temporal namespace: each database is an installation with its own id
// in workflow ids, the default task queue and message ids, so two engines on one dev server
// never take, deliver or swallow each other's events, even with the same tenants and keys.
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { connect as connectNats } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../src/db/migrate.js';
import { createInbox } from '../src/inbox/create-inbox.js';
import { enqueueMany } from '../src/outbox/enqueue.js';
import { readInstallation } from '../src/outbox/installation.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { DELIVER_EVENT_WORKFLOW, LEGACY_TASK_QUEUE } from '../src/workflows/definitions.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { connectTemporal, startTestEngine, uniqueTaskQueue } from './helpers/engine-harness.js';
import { spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('installations sharing a Temporal namespace', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  const database = async (): Promise<TestDatabase> => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    return db;
  };

  /** One database with its sink subscribed to everything (events of tenant t, keys k-1…k-N, come later). */
  async function installationWithEvents(): Promise<{ db: TestDatabase; sink: WebhookSink }> {
    const db = await database();
    const sink = await new WebhookSink().start();
    cleanups.push(() => sink.stop());
    await addSubscription(db.db, { name: 'sink', events: '*', target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } } });
    return { db, sink };
  }
  const enqueueSome = (db: TestDatabase, count: number) =>
    enqueueMany(
      db.pool,
      Array.from({ length: count }, (_, i) => ({ tenant: 't', type: 'order.created', payload: { n: i }, idempotencyKey: `k-${i + 1}` })),
    );

  function startEngine(db: TestDatabase, env: Record<string, string> = {}) {
    const child = spawnCli(['start', '--no-http'], { DATABASE_URL: db.url, TEMPORAL_ADDRESS: inject('temporalAddress'), ...env });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout?.resume();
    cleanups.push(() => Promise.resolve(child.kill('SIGKILL')));
    return { child, stderr: () => stderr };
  }

  /** Both databases end with all 50 events delivered, each sink got its own 50 once each, from its own installation. */
  async function expectEachDeliveredOnceByItsOwn(pairs: { db: TestDatabase; sink: WebhookSink }[], count: number, describe: () => string) {
    for (const { db } of pairs) {
      await waitFor(async () => (await countEventsByStatus(db.db, { tenant: 't' })).delivered === count, {
        what: `all ${count} events of ${db.name} delivered`,
        timeoutMs: 120_000,
        describe: async () => `${JSON.stringify(await countEventsByStatus(db.db, { tenant: 't' }))} ${describe()}`,
      });
    }
    for (const { db, sink } of pairs) {
      const counts = sink.countsById();
      expect(counts.size).toBe(count);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      // Every request came from this database's installation (its message ids carry it).
      expect(sink.requests.every((request) => request.messageId === db.workflowId('t', request.id))).toBe(true);
    }
  }

  it('two databases and two engines with default settings, same tenants and keys: each event delivered once, by its own engine, to its own sink', async () => {
    const a = await installationWithEvents();
    const b = await installationWithEvents();
    expect(a.db.installationId).not.toBe(b.db.installationId);
    const engineA = startEngine(a.db);
    const engineB = startEngine(b.db);
    await Promise.all([enqueueSome(a.db, 50), enqueueSome(b.db, 50)]);
    await expectEachDeliveredOnceByItsOwn([a, b], 50, () => `${engineA.stderr().slice(-500)} ${engineB.stderr().slice(-500)}`);
  });

  it('two engines on one explicit task queue by mistake: the worker refuses the other installation’s workflows, and every event is still delivered once by its own', async () => {
    const a = await installationWithEvents();
    const b = await installationWithEvents();
    const shared = { TEMPORAL_TASK_QUEUE: uniqueTaskQueue('shared') };
    const engineA = startEngine(a.db, shared);
    const engineB = startEngine(b.db, shared);
    // Fewer events: a refused workflow task comes back after Temporal's retry backoff.
    await Promise.all([enqueueSome(a.db, 20), enqueueSome(b.db, 20)]);
    await expectEachDeliveredOnceByItsOwn([a, b], 20, () => `${engineA.stderr().slice(-500)} ${engineB.stderr().slice(-500)}`);
    // Neither database recorded an attempt, a delivery or a dead letter for the other's workflows.
    for (const { db } of [a, b]) {
      const foreign = await db.db
        .selectFrom('outbox.deliveries')
        .select('workflow_id')
        .where('workflow_id', 'not like', `outbox:${db.installationId}:%`)
        .execute();
      expect(foreign).toEqual([]);
      expect(await db.db.selectFrom('outbox.dead_letters').select('id').execute()).toEqual([]);
    }
  });

  it('two tenants enqueueing the same key: both effects happen once each, through the inbox and through NATS JetStream', async () => {
    const engine = await startTestEngine(() => createTestDatabase(), { prefix: 'same-key' });
    cleanups.push(() => engine.stop());
    const consumer = await createTestDatabase({ migrated: false });
    cleanups.push(() => consumer.drop());
    await consumer.pool.query('CREATE TABLE effects (webhook_id text, tenant text)');
    const secret = generateWebhookSecret();
    const inbox = createInbox(consumer.pool, { secret });
    await inbox.ensureTable();
    const server: Server = createServer(
      inbox.listener(async (event, client) => {
        await client.query('INSERT INTO effects VALUES ($1, $2)', [event.id, (event as unknown as { tenant: string }).tenant]);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => (server.close(resolve), server.closeAllConnections())));
    const run = randomBytes(4).toString('hex');
    const nats = await connectNats({ servers: 'nats://127.0.0.1:4222' });
    const streams = await nats.jetstreamManager();
    await streams.streams.add({ name: `SAME_KEY_${run}`, subjects: [`samekey.${run}.>`], duplicate_window: 60_000_000_000 });
    cleanups.push(async () => (await streams.streams.delete(`SAME_KEY_${run}`), await nats.close()));

    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await addSubscription(engine.database.db, { name: 'inbox', events: 'order.*', target: { kind: 'webhook', config: { url, secret } } });
    await addSubscription(engine.database.db, {
      name: 'jetstream',
      events: 'order.*',
      target: { kind: 'nats', config: { url: 'nats://127.0.0.1:4222', subject: `samekey.${run}.{tenant}` } },
    });
    await enqueueMany(engine.database.pool, [
      { tenant: 'acme', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'order-42-created' },
      { tenant: 'globex', type: 'order.created', payload: { n: 2 }, idempotencyKey: 'order-42-created' },
    ]);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { typeLike: 'order.%' })).delivered === 2, { what: 'both events delivered' });

    const effects = await consumer.pool.query<{ webhook_id: string; tenant: string }>('SELECT webhook_id, tenant FROM effects ORDER BY tenant');
    expect(effects.rows).toEqual([
      { webhook_id: engine.database.workflowId('acme', 'order-42-created'), tenant: 'acme' },
      { webhook_id: engine.database.workflowId('globex', 'order-42-created'), tenant: 'globex' },
    ]);
    const info = await streams.streams.info(`SAME_KEY_${run}`);
    expect(info.state.messages).toBe(2);
    const ids = await Promise.all(
      ['acme', 'globex'].map(async (tenant) =>
        (await streams.streams.getMessage(`SAME_KEY_${run}`, { last_by_subj: `samekey.${run}.${tenant}` })).header.get('Nats-Msg-Id'),
      ),
    );
    expect(ids).toEqual([engine.database.workflowId('acme', 'order-42-created'), engine.database.workflowId('globex', 'order-42-created')]);
  });

  it('an existing deployment upgrades: workflows started before installation ids are still served and delivered, and rows keep their ids', async () => {
    const db = await createTestDatabase({ migrated: false });
    cleanups.push(() => db.drop());
    const sink = await new WebhookSink().start();
    cleanups.push(() => sink.stop());
    // The schema as it was before installation ids (migrations 0001–0019), with an event in flight.
    const before = await mkdtemp(join(tmpdir(), 'outbox-migrations-'));
    cleanups.push(() => rm(before, { recursive: true, force: true }));
    for (const name of (await readdir(MIGRATIONS_DIR)).filter((file) => file < '0020')) await cp(join(MIGRATIONS_DIR, name), join(before, name));
    await migrate(db.pool, { dir: before });
    await addSubscription(db.db, { name: 'sink', events: '*', target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } } });
    const tenant = `old${randomBytes(3).toString('hex')}`;
    const [inFlight] = await enqueueMany(db.pool, [
      { tenant, type: 'order.created', payload: {}, idempotencyKey: 'in-flight' },
      { tenant, type: 'order.created', payload: {}, idempotencyKey: 'not-yet' },
    ]);
    await sql`UPDATE outbox.events SET status = 'dispatched', dispatched_at = now() WHERE idempotency_key = 'in-flight'`.execute(db.db);

    await migrate(db.pool);
    const rows = await db.db.selectFrom('outbox.events').select(['idempotency_key', 'workflow_id']).orderBy('id').execute();
    expect(rows).toEqual([
      { idempotency_key: 'in-flight', workflow_id: `outbox:${tenant}:in-flight` },
      { idempotency_key: 'not-yet', workflow_id: `outbox:${tenant}:not-yet` },
    ]);
    expect(await readInstallation(db.db)).toMatchObject({ legacyWorkflows: true });

    // The old engine had started this workflow on the old default queue, with the old id and input.
    const temporal = await connectTemporal();
    cleanups.push(() => temporal.close());
    await temporal.client.workflow.start(DELIVER_EVENT_WORKFLOW, {
      taskQueue: LEGACY_TASK_QUEUE,
      workflowId: `outbox:${tenant}:in-flight`,
      args: [{ eventId: String(inFlight), tenant, eventType: 'order.created', idempotencyKey: 'in-flight' }],
    });
    const engine = startEngine(db);
    await waitFor(async () => (await countEventsByStatus(db.db, { tenant })).delivered === 2, {
      what: 'the in-flight and the pending event delivered after the upgrade',
      describe: async () => `${JSON.stringify(await countEventsByStatus(db.db, { tenant }))} ${engine.stderr().slice(-1000)}`,
    });
    expect(sink.requests.map((request) => request.messageId).sort()).toEqual([`outbox:${tenant}:in-flight`, `outbox:${tenant}:not-yet`]);
    // Nothing unfinished has an old id now: the flag clears itself.
    expect(await readInstallation(db.db)).toMatchObject({ legacyWorkflows: false });
    expect((await readInstallation(db.db)).id).toMatch(/^[0-9a-f]{10}$/);
  });
});
