// The routing rule, written once in SQL (outbox.routes_to, outbox.applies_to; migration 0028):
// its cases run through the functions themselves, through resolveRoutes, through the first
// pass's one-statement read and through the relay's dispatch mark, which must all agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { resolveRoutes } from '../src/activities/resolve-routes.js';
import { loadRouting } from '../src/activities/load-routing.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

// [case, subscription tenant, subscription pattern, event tenant, event type, targets, routed]
const CASES: [string, string, string, string, string, string[] | null, boolean][] = [
  ['own tenant, pattern matches', 'acme', 'order.*', 'acme', 'order.created', null, true],
  ['every tenant, pattern matches', '*', 'order.*', 'acme', 'order.created', null, true],
  ['other tenant', 'globex', 'order.*', 'acme', 'order.created', null, false],
  ['pattern does not match', 'acme', 'invoice.*', 'acme', 'order.created', null, false],
  ['exact pattern', 'acme', 'order.created', 'acme', 'order.created', null, true],
  ['_ is literal, not any character', 'acme', 'order_created', 'acme', 'orderXcreated', null, false],
  ['named target, whatever its pattern', 'acme', 'invoice.*', 'acme', 'order.created', ['s'], true],
  ['named target of another tenant', 'globex', 'order.*', 'acme', 'order.created', ['s'], false],
  ['targets that name others', 'acme', 'order.*', 'acme', 'order.created', ['other'], false],
  ['an empty target list names nobody', 'acme', 'order.*', 'acme', 'order.created', [], false],
];

describe('the routing rule', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each(CASES)('%s', async (_case, subscriptionTenant, pattern, tenant, type, targets, routed) => {
    const like = pattern.replaceAll('_', '\\_').replaceAll('*', '%');
    const { rows } = await sql<{ routed: boolean; applies: boolean }>`
      SELECT outbox.routes_to(${subscriptionTenant}, 's', ${like}, ${tenant}, ${type}, ${targets}::text[]) AS routed,
             outbox.applies_to(${subscriptionTenant}, ${like}, ${tenant}, ${type}) AS applies`.execute(database.db);
    expect(rows[0]!.routed).toBe(routed);
    // Without targets the subscription rule is the fan-out/saga rule.
    if (targets === null) expect(rows[0]!.applies).toBe(routed);
  });

  it('is inlined by the planner: a query using it plans as the condition written out', async () => {
    const { rows } = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM outbox.subscriptions s
       WHERE outbox.routes_to(s.tenant_id, s.name, s.event_like, 'acme', 'order.created', NULL::text[])`.execute(database.db);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).not.toContain('routes_to');
    expect(plan).toContain('~~'); // LIKE, written out
  });

  it('resolveRoutes, the first pass read and the dispatch mark route every case alike', async () => {
    // One ordered subscription per case (named after it), so the dispatch mark's lane rows show its routing.
    const kinds = CASES.map(([, subscriptionTenant, pattern], index) => ({ name: `case-${index}`, subscriptionTenant, pattern }));
    for (const { name, subscriptionTenant, pattern } of kinds) {
      await sql`INSERT INTO outbox.subscriptions (name, tenant_id, event_pattern, target_kind, target_config, ordered)
                VALUES (${name}, ${subscriptionTenant}, ${pattern}, 'webhook', '{"url": "http://127.0.0.1:9/", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}', true)`.execute(
        database.db,
      );
    }
    for (const [index, [, , , tenant, type, targets, routed]] of CASES.entries()) {
      const name = `case-${index}`;
      // Events name the case's own subscription when the case has targets (['s'] means "this one").
      const named = targets === null ? null : targets.map((target) => (target === 's' ? name : target));
      const id = await enqueue(database.pool, { tenant, type, payload: {}, idempotencyKey: `rule-${index}`, aggregateId: `a-${index}` });
      await sql`UPDATE outbox.events SET targets = ${named}::text[] WHERE id = ${id}`.execute(database.db);
      await sql`SELECT outbox.mark_dispatched(ARRAY[${id}]::bigint[], ARRAY[${`wf-${index}`}]::text[])`.execute(database.db);

      const resolved = (await resolveRoutes(database.db, id)).routes.some((route) => route.subscriptionName === name);
      const read = (await loadRouting(database.db, id))!.subscriptions.some((subscription) => subscription.name === name);
      const { rows: lanes } = await sql<{ name: string }>`SELECT s.name FROM outbox.ordered_deliveries o
          JOIN outbox.subscriptions s ON s.id = o.subscription_id WHERE o.event_id = ${id}`.execute(database.db);
      const laned = lanes.some((lane) => lane.name === name);
      expect({ case: CASES[index]![0], resolved, read, laned }).toEqual({ case: CASES[index]![0], resolved: routed, read: routed, laned: routed });
    }
  });
});
