// Per-aggregate ordering against the real engine: 20 aggregates × 50 events written by 8
// concurrent writers (each transaction bumps the aggregate's row and enqueues its event, so the
// version is the aggregate's commit order) reach an ordered subscription's sink in commit order,
// never two at once per aggregate, while different aggregates overlap; a sink that fails now and
// then only delays. A dead-lettered event holds its aggregate's later events (shown by
// `outbox status`) until an operator retries it; other aggregates go on.
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { operatorEnv } from './helpers/operator-env.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/histories/', import.meta.url));

interface Arrival {
  aggregate: string;
  version: number;
  status: number;
}

/**
 * A webhook consumer that checks ordering itself: it records arrivals per aggregate, counts
 * requests in flight per aggregate (and overall), answers after a short random delay, and fails
 * whatever `fail` says.
 */
class OrderCheckingSink {
  readonly arrivals: Arrival[] = [];
  readonly inFlight = new Map<string, number>();
  maxInFlightPerAggregate = 0;
  maxAggregatesInFlight = 0;
  fail: (arrival: Omit<Arrival, 'status'>, attempt: number) => number | undefined = () => undefined;
  private readonly attempts = new Map<string, number>();
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const { data } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { aggregate: string; version: number } };
        const running = (this.inFlight.get(data.aggregate) ?? 0) + 1;
        this.inFlight.set(data.aggregate, running);
        this.maxInFlightPerAggregate = Math.max(this.maxInFlightPerAggregate, running);
        this.maxAggregatesInFlight = Math.max(this.maxAggregatesInFlight, [...this.inFlight.values()].filter((n) => n > 0).length);
        const key = `${data.aggregate}:${data.version}`;
        const attempt = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, attempt);
        const status = this.fail(data, attempt) ?? 200;
        setTimeout(
          () => {
            this.inFlight.set(data.aggregate, (this.inFlight.get(data.aggregate) ?? 1) - 1);
            this.arrivals.push({ aggregate: data.aggregate, version: data.version, status });
            res.writeHead(status).end();
          },
          2 + Math.floor(Math.random() * 15),
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/hook`;
  }

  /** Versions that got a 2xx, per aggregate, in arrival order. */
  delivered(aggregate: string): number[] {
    return this.arrivals.filter((arrival) => arrival.aggregate === aggregate && arrival.status < 300).map((arrival) => arrival.version);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

describe('per-aggregate ordering', () => {
  let engine: TestEngine;
  let sink: OrderCheckingSink;

  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'ordered', relay: { pollIntervalMs: 200, batchSize: 50 } });
    sink = await new OrderCheckingSink().start();
    await engine.database.pool.query('CREATE TABLE aggregates (id text PRIMARY KEY, version int NOT NULL DEFAULT 0)');
    await addSubscription(engine.database.db, {
      name: 'ordered-sink',
      events: 'order.*',
      ordered: true,
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      retryPolicy: { maximumAttempts: 10, initialInterval: '1s', backoffCoefficient: 1, jitter: 0 },
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
  });

  /** One app transaction: bump the aggregate (its row lock orders the writers), enqueue its event. */
  async function write(aggregate: string, key: string): Promise<void> {
    const client = await engine.database.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ version: number }>('UPDATE aggregates SET version = version + 1 WHERE id = $1 RETURNING version', [aggregate]);
      await client.query("SELECT outbox.enqueue('shop', 'order.changed', $1::jsonb, $2, $3::jsonb)", [
        JSON.stringify({ aggregate, version: rows[0]?.version }),
        key,
        JSON.stringify({ aggregate_type: 'order', aggregate_id: aggregate }),
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  it('20 aggregates × 50 events from 8 concurrent writers arrive in commit order, one at a time per aggregate, aggregates in parallel', async () => {
    const aggregates = Array.from({ length: 20 }, (_, index) => `agg-${index}`);
    await engine.database.pool.query('INSERT INTO aggregates (id) SELECT unnest($1::text[])', [aggregates]);
    // About one first attempt in twelve fails (503, then retried): the lane must wait for it.
    sink.fail = (arrival, attempt) => (attempt === 1 && (arrival.version * 7 + Number(arrival.aggregate.slice(4))) % 12 === 0 ? 503 : undefined);
    const total = aggregates.length * 50;
    // Transaction i writes aggregate i % 20; writer w takes i ≡ w (mod 8), so every aggregate is
    // written by several writers at once and its row lock decides the commit order.
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        for (let i = writer; i < total; i += 8) await write(aggregates[i % aggregates.length]!, `w-${i}`);
      }),
    );
    await waitFor(() => aggregates.every((aggregate) => sink.delivered(aggregate).length === 50), {
      what: 'all 1000 events delivered',
      timeoutMs: 300_000,
      describe: () => aggregates.map((aggregate) => `${aggregate}:${sink.delivered(aggregate).length}`).join(' '),
    });
    const inOrder = Array.from({ length: 50 }, (_, index) => index + 1);
    for (const aggregate of aggregates) {
      expect(sink.delivered(aggregate), aggregate).toEqual(inOrder);
      // Every request, failed ones included, came in order: a retry is never overtaken.
      const all = sink.arrivals.filter((arrival) => arrival.aggregate === aggregate).map((arrival) => arrival.version);
      expect(all, aggregate).toEqual([...all].sort((a, b) => a - b));
    }
    expect(sink.arrivals.some((arrival) => arrival.status === 503)).toBe(true);
    expect(sink.maxInFlightPerAggregate).toBe(1);
    expect(sink.maxAggregatesInFlight).toBeGreaterThan(1);
  }, 360_000);

  it("a dead-lettered event holds its aggregate's later events (shown by outbox status) until retried; other aggregates go on", async () => {
    await engine.database.pool.query("INSERT INTO aggregates (id) VALUES ('stuck'), ('free')");
    let refuse = true;
    sink.fail = (arrival) => (arrival.aggregate === 'stuck' && arrival.version === 2 && refuse ? 422 : undefined);
    for (let i = 0; i < 4; i += 1) {
      await write('stuck', `stuck-${i}`);
      await write('free', `free-${i}`);
    }
    await waitFor(() => sink.delivered('free').length === 4, { what: "the free aggregate's 4 events" });
    const env = operatorEnv(engine.database, engine.taskQueue);
    const blocked = await waitFor(
      async () => {
        const status = JSON.parse((await runCli(['status', '--json'], env)).stdout) as {
          blockedLanes: { subscription: string; orderingKey: string; waiting: number }[];
        };
        const lane = status.blockedLanes.find((candidate) => candidate.orderingKey === 'order:stuck');
        return lane?.waiting === 2 ? lane : undefined;
      },
      { what: 'outbox status to show the stuck lane with 2 waiting events' },
    );
    expect(blocked.subscription).toBe('ordered-sink');
    expect(sink.delivered('stuck')).toEqual([1]);
    const text = await runCli(['status'], env);
    expect(text.stdout).toMatch(/ordered-sink shop\/order:stuck: event \d+ dead-lettered \(dead letter \d+\), 2 later event\(s\) waiting/);

    refuse = false;
    expect((await runCli(['dlq', 'retry', '--all'], env)).code).toBe(0);
    await waitFor(() => sink.delivered('stuck').length === 4, { what: 'the stuck aggregate to drain after the retry' });
    expect(sink.delivered('stuck')).toEqual([1, 2, 3, 4]);
    expect(sink.maxInFlightPerAggregate).toBe(1);
    // Event 3 of the stuck aggregate waited for its turn and was woken by a signal: its history
    // is a determinism fixture (replayed by workflow-replay.test.ts on every run).
    if (process.env.RECORD_HISTORIES === '1') {
      const handle = engine.handle('shop', 'stuck-2');
      await handle.result();
      const history = await handle.fetchHistory();
      await writeFile(
        `${FIXTURES}ordered-waited-for-turn.json`,
        `${JSON.stringify({ workflowId: handle.workflowId, history: JSON.parse(historyToJSON(history)) as unknown }, null, 1)}\n`,
      );
    }
  });
});
