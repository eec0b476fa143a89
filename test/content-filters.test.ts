// Content filters (issue 16 §3): a subscription receives only the events its filter matches;
// the others are logged as skipped for it (not failed, not retried), and its route shows
// skipped in the workflow's status. Filters are validated when saved, naming the path.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { contentFilterIssues, matchesContentFilter } from '../src/subscriptions/content-filter.js';
import { addSubscription, generateWebhookSecret, InvalidSubscriptionError } from '../src/subscriptions/subscription-store.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('content filters', () => {
  it('match by every operator, on the envelope and the payload', () => {
    const event = { type: 'order.paid', tenant: 'acme', data: { total: 120, country: 'DE', tags: null, customer: { vip: true } } };
    const cases: [Record<string, unknown>, boolean][] = [
      [{ 'data.total': 120 }, true],
      [{ 'data.total': { $eq: 121 } }, false],
      [{ 'data.country': { $neq: 'FR' } }, true],
      [{ 'data.total': { $gt: 120 } }, false],
      [{ 'data.total': { $gte: 120, $lte: 120 } }, true],
      [{ 'data.total': { $lt: 100 } }, false],
      [{ 'data.total': { $gt: '100' } }, false], // a number never orders against a string
      [{ 'data.country': { $in: ['DE', 'FR'] } }, true],
      [{ 'data.country': { $nin: ['DE'] } }, false],
      [{ 'data.customer.vip': true, type: 'order.paid' }, true],
      [{ 'data.discount': { $exists: false } }, true],
      [{ 'data.tags': { $exists: true } }, true],
      [{ $or: [{ 'data.total': { $lt: 10 } }, { 'data.country': 'DE' }] }, true],
      [{ $and: [{ 'data.total': { $gt: 100 } }, { tenant: 'globex' }] }, false],
      [{ $not: { 'data.country': 'DE' } }, false],
    ];
    for (const [filter, expected] of cases) expect(matchesContentFilter(filter, event), JSON.stringify(filter)).toBe(expected);
  });

  it('names the offending path of a filter that is not valid', () => {
    expect(contentFilterIssues({ 'data.total': { $between: [1, 2] } })).toEqual([
      { field: 'filter.data.total.$between', message: expect.stringContaining('is not an operator') as unknown },
    ]);
    expect(contentFilterIssues({ $or: [{ 'data.x': { $in: 'DE' } }] })[0]?.field).toBe('filter.$or.0.data.x.$in');
    expect(contentFilterIssues({ 'data total': 1 })[0]?.field).toBe('filter.data total');
    expect(contentFilterIssues({ $and: [] })[0]?.message).toContain('non-empty array');
    expect(contentFilterIssues({ 'data.total': { $gte: [1] } })[0]?.field).toBe('filter.data.total.$gte');
  });

  describe('in delivery', () => {
    let engine: TestEngine;
    let sink: WebhookSink;
    beforeAll(async () => {
      [engine, sink] = await Promise.all([startTestEngine(() => createTestDatabase(), { prefix: 'filters' }), new WebhookSink().start()]);
    });
    afterAll(async () => {
      await engine?.stop();
      await sink?.stop();
    });

    it('delivers only matching events; the rest are logged as skipped, the events still finish, and the route shows skipped', async () => {
      const { db, pool } = engine.database;
      await addSubscription(db, {
        name: 'big-eu-orders',
        tenant: 'acme',
        events: 'order.*',
        target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
        filter: { 'data.total': { $gte: 100 }, 'data.country': { $in: ['DE', 'FR'] } },
      });
      const orders = [
        ['match', 120, 'DE'],
        ['too-small', 50, 'DE'],
        ['elsewhere', 150, 'US'],
      ] as const;
      for (const [key, total, country] of orders) await enqueue(pool, { tenant: 'acme', type: 'order.paid', payload: { total, country }, idempotencyKey: key });
      const outcomes = async () =>
        (
          await sql<{ key: string; outcome: string; status: string }>`SELECT e.idempotency_key AS key, d.outcome, e.status FROM outbox.events e
           JOIN outbox.deliveries d ON d.event_id = e.id ORDER BY e.id`.execute(db)
        ).rows;
      await waitFor(async () => (await outcomes()).filter((row) => row.status === 'delivered').length === 3, {
        what: 'all three events finished',
        describe: async () => JSON.stringify(await outcomes()),
      });
      expect(await outcomes()).toEqual([
        { key: 'match', outcome: 'delivered', status: 'delivered' },
        { key: 'too-small', outcome: 'skipped', status: 'delivered' },
        { key: 'elsewhere', outcome: 'skipped', status: 'delivered' },
      ]);
      expect([...sink.countsById().keys()]).toEqual(['match']);
      const status = await engine.handle('acme', 'too-small').query(statusQuery);
      expect(status.routes[0]).toMatchObject({ subscriptionName: 'big-eu-orders', state: 'delivered', skipped: true });
      expect((await engine.handle('acme', 'match').query(statusQuery)).routes[0]?.skipped).toBeUndefined();
    });

    it('refuses a bad filter when saved, from the library and the CLI, naming the path, and saves nothing', async () => {
      const { db } = engine.database;
      const target = { kind: 'webhook' as const, config: { url: sink.url, secret: generateWebhookSecret() } };
      const refused = await addSubscription(db, { name: 'bad-filter', events: 'order.*', target, filter: { 'data.total': { $gte: { nested: 1 } } } }).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(InvalidSubscriptionError);
      expect((refused as InvalidSubscriptionError).issues[0]?.field).toBe('filter.data.total.$gte');
      const cli = await runCli(
        ['subscriptions', 'add', '--name', 'bad-cli', '--events', 'order.*', '--webhook', sink.url, '--filter', '{"data.country": {"$in": "DE"}}'],
        operatorEnv(engine.database, engine.taskQueue),
      );
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain('filter.data.country.$in');
      const notJson = await runCli(
        ['subscriptions', 'add', '--name', 'bad-json', '--events', 'order.*', '--webhook', sink.url, '--filter', '{data'],
        operatorEnv(engine.database, engine.taskQueue),
      );
      expect(notJson.code).not.toBe(0);
      expect(notJson.stderr).toContain('Expected a JSON object');
      expect((await sql<{ n: string }>`SELECT count(*) AS n FROM outbox.subscriptions WHERE name LIKE 'bad-%'`.execute(db)).rows[0]!.n).toBe('0');
    });
  });
});
