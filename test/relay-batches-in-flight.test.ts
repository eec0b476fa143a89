// The relay's batches in flight (issue 20): one tenant's slow workflow starts must not hold back
// another tenant's next batch, and one tenant is never in two batches at once. Real PostgreSQL
// and the run's Temporal server; the only fake is HeldStarts below, a fault-injection wrapper
// around the real client that holds one tenant's starts until the test lets them go (a Temporal
// server that is slow on demand for one tenant cannot be had otherwise).
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMany } from '../src/outbox/enqueue.js';
import { connectTemporal, createTestRelay, uniqueTaskQueue, type TemporalHandles } from './helpers/engine-harness.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

/** A property of `target`, its methods bound to it (the SDK's classes keep private state). */
function bound(target: object, property: string | symbol): unknown {
  const value: unknown = Reflect.get(target, property, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

/** FAKE (fault injection): the real client, whose workflow starts for `tenant` wait for `release()`. */
class HeldStarts {
  /** Starts of the held tenant that arrived while the gate was closed. */
  held = 0;
  private closed = true;
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  readonly client: Client;

  constructor(real: Client, tenant: string) {
    const workflow = new Proxy(real.workflow, {
      get: (target, property) => {
        const value = bound(target, property);
        if (property !== 'start') return value;
        const start = value as (name: string, options: { typedSearchAttributes?: { value: unknown }[] }) => Promise<unknown>;
        return async (name: string, options: { typedSearchAttributes?: { value: unknown }[] }) => {
          if (this.closed && options.typedSearchAttributes?.some((attribute) => attribute.value === tenant)) {
            this.held += 1;
            await this.opened;
          }
          return start(name, options);
        };
      },
    });
    this.client = new Proxy(real, {
      get: (target, property) => (property === 'workflow' ? workflow : bound(target, property)),
    });
  }

  release(): void {
    this.closed = false;
    this.open();
  }
}

describe('relay batches in flight', () => {
  let database: TestDatabase;
  let temporal: TemporalHandles;

  beforeAll(async () => {
    [database, temporal] = await Promise.all([createTestDatabase(), connectTemporal()]);
  });
  afterAll(async () => {
    await temporal?.close();
    await database?.drop();
  });

  it("a tenant whose workflow starts hang does not hold back another tenant's events, and its own later events wait for its batch", async () => {
    const taskQueue = uniqueTaskQueue('inflight');
    const gate = new HeldStarts(temporal.client, 'hung');
    const event = (tenant: string, i: number) => ({ tenant, type: `${tenant}.event`, payload: { i }, idempotencyKey: `${tenant}-${i}` });
    await enqueueMany(
      database.pool,
      Array.from({ length: 5 }, (_, i) => event('hung', i)),
    );
    // No worker serves this queue: only dispatching is looked at here.
    const relay = createTestRelay(database, gate.client, taskQueue, { pollIntervalMs: 200 });
    relay.start();
    try {
      await waitFor(() => gate.held === 5, { what: "the relay's first batch to start hung's 5 events", describe: () => JSON.stringify(relay.stats) });

      // While hung's starts hang: more of hung's events, and one of other's.
      await enqueueMany(
        database.pool,
        Array.from({ length: 3 }, (_, i) => event('hung', 5 + i)),
      );
      await enqueueMany(database.pool, [event('other', 0)]);
      await waitFor(async () => (await countEventsByStatus(database.db, { tenant: 'other' })).dispatched === 1, {
        what: "other's event dispatched while hung's batch is still starting",
        describe: async () => JSON.stringify({ other: await countEventsByStatus(database.db, { tenant: 'other' }), stats: relay.stats }),
      });
      // Nothing of hung's is dispatched yet, and its later events were not claimed into a second
      // batch beside the first (they would have reached the gate too).
      expect(await countEventsByStatus(database.db, { tenant: 'hung' })).toEqual({ pending: 8 });
      expect(gate.held).toBe(5);

      gate.release();
      await waitFor(async () => (await countEventsByStatus(database.db, { tenant: 'hung' })).dispatched === 8, {
        what: "all of hung's events dispatched once its starts answer",
        describe: async () => JSON.stringify({ hung: await countEventsByStatus(database.db, { tenant: 'hung' }), stats: relay.stats }),
      });
    } finally {
      gate.release();
      await relay.stop();
    }
    expect(gate.held).toBe(5);
    expect({ started: relay.stats.started, alreadyStarted: relay.stats.alreadyStarted, failures: relay.stats.startFailures }).toEqual({
      started: 9,
      alreadyStarted: 0,
      failures: 0,
    });
  });
});
