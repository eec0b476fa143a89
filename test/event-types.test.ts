// The event-type catalog (issue 16 §2): a payload that breaks its type's registered JSON Schema
// never reaches a target; it is dead-lettered as a schema violation naming the JSON path. SQL
// enqueue cannot check it (no JSON Schema in PostgreSQL): the workers do, before delivery.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listEventTypes, registerEventDefinition, registerEventType } from '../src/catalog/event-type-store.js';
import { defineEvent } from '../src/events/define-event.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { InvalidEventError } from '../src/events/invalid-event-error.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

const OrderPlaced = defineEvent(
  'order.placed',
  z.object({ orderId: z.string(), total: z.number().nonnegative(), lines: z.array(z.object({ sku: z.string() })).optional() }),
);

describe('event-type catalog', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  let scratch: string;
  beforeAll(async () => {
    [engine, sink, scratch] = await Promise.all([
      startTestEngine(() => createTestDatabase(), { prefix: 'catalog' }),
      new WebhookSink().start(),
      mkdtemp(join(tmpdir(), 'outbox-catalog-')),
    ]);
    await addSubscription(engine.database.db, {
      name: 'orders',
      tenant: 'acme',
      events: 'order.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it("dead-letters a payload that breaks its type's schema, naming the path, and never sends it; a valid one goes", async () => {
    const { db, pool } = engine.database;
    const registered = await registerEventDefinition(db, OrderPlaced, { description: 'An order was placed' });
    expect(registered.schema).toMatchObject({ type: 'object', required: ['orderId', 'total'] });
    // The TypeScript helper refuses it at enqueue...
    expect(() => OrderPlaced.create({ tenant: 'acme', idempotencyKey: 'x', payload: { orderId: '1', total: -1 } })).toThrow(InvalidEventError);
    // ...SQL cannot, so the worker stops it before delivery.
    await pool.query(`SELECT outbox.enqueue('acme', 'order.placed', '{"orderId": "1", "total": "ten"}', 'bad-order')`);
    await pool.query(`SELECT outbox.enqueue('acme', 'order.placed', '{"orderId": "2", "lines": [{"sku": 7}], "total": 5}', 'bad-line')`);
    await enqueue(pool, OrderPlaced.create({ tenant: 'acme', idempotencyKey: 'good-order', payload: { orderId: '3', total: 12.5 } }));
    const deadLetters = async () =>
      (
        await sql<{
          key: string;
          error: string;
        }>`SELECT e.idempotency_key AS key, d.last_error AS error FROM outbox.dead_letters d JOIN outbox.events e ON e.id = d.event_id ORDER BY e.idempotency_key`.execute(
          db,
        )
      ).rows;
    await waitFor(async () => (await deadLetters()).length === 2 && sink.countsById().has('good-order'), {
      what: 'two dead letters and the good order delivered',
      describe: async () => JSON.stringify({ deadLetters: await deadLetters(), sink: [...sink.countsById().keys()] }),
    });
    const [badLine, badOrder] = await deadLetters();
    expect(badOrder!.error).toMatch(/order\.placed v1 violates its schema at \/total: must be number/);
    expect(badLine!.error).toMatch(/at \/lines\/0\/sku: must be string/);
    expect([...sink.countsById().keys()]).toEqual(['good-order']);
  });

  it('checks each version against its own schema', async () => {
    const { db, pool } = engine.database;
    await registerEventType(db, {
      type: 'order.placed',
      version: 2,
      schema: { type: 'object', required: ['orderId', 'currency'], properties: { currency: { enum: ['EUR', 'USD'] } } },
    });
    // Workers read the catalog again within 10 s; until then a v2 payload may go unchecked, so wait for a refusal.
    let attempt = 0;
    await waitFor(
      async () => {
        attempt += 1;
        await pool.query(`SELECT outbox.enqueue('acme', 'order.placed', '{"orderId": "4", "currency": "GBP"}', $1, '{"event_version": 2}')`, [
          `v2-bad-${attempt}`,
        ]);
        await waitFor(
          async () =>
            (
              await sql<{
                n: string;
              }>`SELECT count(*) AS n FROM outbox.events WHERE idempotency_key = ${`v2-bad-${attempt}`} AND status IN ('dead_lettered', 'delivered')`.execute(
                db,
              )
            ).rows[0]!.n === '1',
          { what: 'the v2 event to finish' },
        );
        return (
          (await sql<{ status: string }>`SELECT status FROM outbox.events WHERE idempotency_key = ${`v2-bad-${attempt}`}`.execute(db)).rows[0]!.status ===
          'dead_lettered'
        );
      },
      { what: 'a v2 payload with an unknown currency dead-lettered', timeoutMs: 40_000, intervalMs: 1_000 },
    );
    const { rows } = await sql<{
      error: string;
    }>`SELECT d.last_error AS error FROM outbox.dead_letters d JOIN outbox.events e ON e.id = d.event_id WHERE e.idempotency_key = ${`v2-bad-${attempt}`}`.execute(
      db,
    );
    expect(rows[0]!.error).toMatch(/order\.placed v2 violates its schema at \/currency: must be equal to one of the allowed values/);
  });

  it('`outbox event-types add|list|remove` registers a schema file, refuses one that is not JSON Schema naming the field, and removes it', async () => {
    const env = operatorEnv(engine.database, engine.taskQueue);
    const good = join(scratch, 'refund.json');
    const bad = join(scratch, 'bad.json');
    await writeFile(good, JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['amount'] }));
    await writeFile(bad, JSON.stringify({ type: 'not-a-type' }));
    const added = await runCli(['event-types', 'add', 'refund.issued', '--schema', good, '--description', 'A refund went out'], env);
    expect(added.code, added.stderr).toBe(0);
    const refused = await runCli(['event-types', 'add', 'refund.failed', '--schema', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/schema: is not a valid JSON Schema/);
    const listed = await runCli(['event-types', 'list'], env);
    expect(listed.stdout).toMatch(/refund\.issued\s+1\s+-\s+A refund went out/);
    expect((await listEventTypes(engine.database.db, 'refund.failed')).length).toBe(0);
    expect((await runCli(['event-types', 'remove', 'refund.issued'], env)).code).toBe(0);
    expect((await runCli(['event-types', 'remove', 'refund.issued'], env)).code).toBe(1);
  });
});
