// Fairness (issue 20): the admission budget is shared by the tenants sending. A tenant flooding
// a slow endpoint alone may have the whole budget (50 unfinished events started in the last
// 5 s) inside Temporal; as soon as another tenant sends, its part is half of that (25), and it
// stays there while the other keeps sending; when the other stops, it gets the whole budget
// back. `outbox status` shows the budget, the tenants sending and each one's window. And a
// tenant flooding an endpoint that answers at once (which its window does not slow down) is
// paced while another tenant sends: a share of its window per 100 ms, not the whole machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Pool } from 'pg';
import { enqueueMany } from '../src/outbox/enqueue.js';
import { DEFAULT_TENANT_WINDOW, defaultTenantShare, tenantWindowFor, unfinishedInWindowSql } from '../src/outbox/admission-window.js';
import { DEFAULT_TENANT_PACE_MS } from '../src/outbox/tenant-pace.js';
import { readHeldTenants } from '../src/outbox/read-held-tenants.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';

const FLOOD = 1_000;

/** A tenant sending one event every 300 ms, each in its own transaction, until stopped. */
function startTrickle(pool: Pool, tenant: string): { readonly sent: number; stop(): Promise<void> } {
  let sending = true;
  let sent = 0;
  const running = (async () => {
    while (sending) {
      await enqueueMany(pool, [{ tenant, type: `${tenant}.order`, payload: { n: sent }, idempotencyKey: `${tenant}-${sent}` }]);
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  return {
    get sent() {
      return sent;
    },
    async stop() {
      sending = false;
      await running;
    },
  };
}

describe('the admission budget shared by the tenants sending', () => {
  let engine: TestEngine;
  let slow: WebhookSink;
  let fast: WebhookSink;
  beforeAll(async () => {
    [engine, slow, fast] = await Promise.all([
      startTestEngine(() => createTestDatabase(), { prefix: 'budget' }),
      new WebhookSink().start(),
      new WebhookSink().start(),
    ]);
    // Healthy but slow: each of A's events stays unfinished for 3 s, so A's window is what limits it.
    slow.responder = () => ({ status: 200, delayMs: 3_000 });
  });
  afterAll(async () => {
    await engine?.stop();
    await Promise.all([slow?.stop(), fast?.stop()]);
  });

  it("halves a flooding tenant's window while another tenant sends, and gives it all back after", async () => {
    const { db, pool } = engine.database;
    const secret = generateWebhookSecret();
    await addSubscription(db, { name: 'slow', tenant: 'a', events: 'a.*', target: { kind: 'webhook', config: { url: slow.url, secret } } });
    await addSubscription(db, { name: 'fast', tenant: 'b', events: 'b.*', target: { kind: 'webhook', config: { url: fast.url, secret } } });
    /** A's unfinished events started within the window, counted as the relay counts them (uncapped). */
    const unfinishedOfA = async () =>
      Number((await sql<{ n: string }>`SELECT ${sql.raw(unfinishedInWindowSql("'a'", '100000', '5'))} AS n`.execute(db)).rows[0]?.n);
    const admissionNow = async () => (await readHeldTenants(db, DEFAULT_TENANT_WINDOW)).admission;

    await enqueueMany(
      pool,
      Array.from({ length: FLOOD }, (_, i) => ({ tenant: 'a', type: 'a.order', payload: { i }, idempotencyKey: `a-${i}` })),
    );
    // Alone, A fills the whole budget.
    await waitFor(async () => (await unfinishedOfA()) === 50, {
      what: 'A alone to have the whole budget (50) of unfinished events in its window',
      describe: async () => `A unfinished ${await unfinishedOfA()}, admission ${JSON.stringify(await admissionNow())}`,
    });
    expect(await admissionNow()).toMatchObject({ budget: 50, tenantsSending: 1, window: 50 });

    // B starts sending, one event every 300 ms, until told to stop.
    const trickle = startTrickle(pool, 'b');
    try {
      // A's part falls to half: its events already out finish (3 s) or age out of the window (5 s),
      // and no new ones are admitted until it is below 25.
      await waitFor(async () => (await unfinishedOfA()) === 25 && (await admissionNow()).tenantsSending === 2, {
        what: "A's window to be halved to 25 while B sends",
        timeoutMs: 30_000,
        describe: async () => `A unfinished ${await unfinishedOfA()}, admission ${JSON.stringify(await admissionNow())}, B sent ${trickle.sent}`,
      });
      // ...and it stays within it for as long as B sends, while A still gets its events through.
      const slowBefore = slow.requests.length;
      const counts: number[] = [];
      for (let reading = 0; reading < 20; reading += 1) {
        counts.push(await unfinishedOfA());
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(Math.max(...counts), `A's unfinished events while B sends: ${counts.join(', ')}`).toBeLessThanOrEqual(25);
      await waitFor(() => slow.requests.length > slowBefore, { what: "A's events to go on arriving while held to its part" });
      const status = JSON.parse((await runCli(['status', '--json'], operatorEnv(engine.database, engine.taskQueue))).stdout) as {
        admission: { budget: number; tenantsSending: number; window: number };
        heldTenants: { tenant: string; unfinished: number; window: number }[];
      };
      expect(status.admission).toMatchObject({ budget: 50, tenantsSending: 2, window: 25 });
      const { stdout: text } = await runCli(['status'], operatorEnv(engine.database, engine.taskQueue));
      expect(text).toMatch(/tenant admission window\s+25 unfinished events each \(a budget of 50, 2 tenant\(s\) sending\)/);
      await waitFor(() => fast.countsById().size === trickle.sent && trickle.sent >= 10, { what: "B's events all delivered while A floods" });
    } finally {
      await trickle.stop();
    }

    // B stopped: once its last event is out of the window, A gets the whole budget back.
    await waitFor(async () => (await unfinishedOfA()) > 25 && (await admissionNow()).tenantsSending === 1, {
      what: 'A to get the whole budget back after B stopped sending',
      timeoutMs: 30_000,
      describe: async () => `A unfinished ${await unfinishedOfA()}, admission ${JSON.stringify(await admissionNow())}`,
    });
  });
});

describe('the pace of a backlogged tenant while another sends', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  beforeAll(async () => {
    [engine, sink] = await Promise.all([startTestEngine(() => createTestDatabase(), { prefix: 'pace' }), new WebhookSink().start()]);
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
  });

  it('admits a flooding tenant a share per pace while another tenant sends, and never holds back the other', async () => {
    const { db, pool } = engine.database;
    const secret = generateWebhookSecret();
    await addSubscription(db, { name: 'all', events: '*', target: { kind: 'webhook', config: { url: sink.url, secret } } });
    const trickle = startTrickle(pool, 'd');
    try {
      await waitFor(() => engine.relay.stats.tenantsSending === 1, { what: 'the relay to count tenant d sending' });
      // C's flood to an endpoint that answers at once: its window would never slow it down.
      await enqueueMany(
        pool,
        Array.from({ length: 3_000 }, (_, i) => ({ tenant: 'c', type: 'c.order', payload: { i }, idempotencyKey: `c-${i}` })),
      );
      await waitFor(() => engine.relay.stats.tenantsSending === 2, { what: 'the relay to count both tenants sending' });
      const { rows } = await sql<{ at: Date }>`SELECT clock_timestamp() AS at`.execute(db);
      const since = rows[0]!.at;
      const observedMs = 3_000;
      await waitFor(() => Date.now() - since.getTime() >= observedMs, { what: 'the observation span to pass', timeoutMs: observedMs + 5_000 });
      const counted = await sql<{ n: string; ms: number }>`
        SELECT count(*) AS n, extract(epoch FROM clock_timestamp() - ${since}::timestamptz) * 1000 AS ms
          FROM outbox.events WHERE tenant_id = 'c' AND dispatched_at >= ${since}`.execute(db);
      const dispatched = Number(counted.rows[0]?.n);
      const spanMs = Number(counted.rows[0]?.ms);
      // At most one share of its window (two tenants sending: 25, share 5) per pace, and one more for the batch under way.
      const share = defaultTenantShare(100, tenantWindowFor(DEFAULT_TENANT_WINDOW, 2));
      const bound = (Math.floor(spanMs / DEFAULT_TENANT_PACE_MS) + 2) * share;
      expect(dispatched, `C's events dispatched in ${Math.round(spanMs)} ms while D sent`).toBeLessThanOrEqual(bound);
      expect(dispatched, 'C still goes on').toBeGreaterThan(0);
      // D is never held back behind C's flood: all its events arrive while C's backlog is still there.
      const sent = trickle.sent;
      await waitFor(() => [...sink.countsById().keys()].filter((key) => key.startsWith('d-')).length >= sent, {
        what: "all of D's events delivered while C floods",
      });
      const pending = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox.events WHERE tenant_id = 'c' AND status = 'pending'`.execute(db);
      expect(Number(pending.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await trickle.stop();
    }
  });
});
