/**
 * The outbox room: the data path's first half. enqueue.ts writes an event in the caller's
 * transaction; the relay (this file) claims committed rows fairly across tenants and starts one
 * workflow per event; status, search and verification reads live here too. May import
 * workflows/ (the workflow's name and input), metrics/, events/ and db/.
 */
import { NativeConnection } from '@temporalio/worker';
import pLimit from 'p-limit';
import pg from 'pg';
import { EngineMetrics } from '../metrics/engine-metrics.js';
import { afterClaim, claimPendingEvents, DEFAULT_TENANT_WINDOW } from './claim-pending-events.js';
import { markEventsDispatched } from './mark-events-dispatched.js';
import { LANE_SWEEP_INTERVAL_MS, releaseOrphanedLanes } from './orphaned-lanes.js';
import { inDispatchSpan } from './dispatch-span.js';
import { startDeliveryWorkflow } from './start-delivery-workflow.js';
import type { RelayOptions, RelayStats } from './relay-options.js';

/** How soon the relay looks again after a batch that claimed some events but not a full share. */
const SOON_MS = 100;

/** The PostgreSQL channel the events trigger notifies on commit. */
export const OUTBOX_CHANNEL = 'outbox_events';

export type { RelayOptions, RelayStats } from './relay-options.js';

/**
 * The relay: claims committed pending events, starts one deliverEvent workflow per event and
 * marks them dispatched, in one transaction per batch. Wakes on NOTIFY, polls as a fallback.
 *
 * @example
 * const relay = new Relay({ pool, connectionString, client, installationId, taskQueue, batchSize: 200, concurrency: 64, pollIntervalMs: 1000, deadLetterHoldMs, logger });
 * relay.start();
 * // ... on SIGTERM:
 * await relay.stop();
 */
export class Relay {
  readonly stats: RelayStats = { batches: 0, claimed: 0, started: 0, alreadyStarted: 0, startFailures: 0, eagerlyStarted: 0, dispatched: 0, lastLoopAt: 0 };
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private notified = false;
  private listener: pg.Client | undefined;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly metrics: EngineMetrics;
  private readonly eagerStart: boolean;
  /** The last tenant a full batch reached: the next batch starts after it (round robin). */
  private tenantCursor = '';
  /** When orphaned lane places were last looked for (0: on the first loop). */
  private lastLaneSweepAt = 0;

  constructor(private readonly options: RelayOptions) {
    this.eagerStart = options.eagerStart === true && options.client.connection instanceof NativeConnection;
    this.limit = pLimit(options.concurrency);
    this.metrics = options.metrics ?? new EngineMetrics();
  }

  /** Starts listening and looping; returns at once. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    void this.listen();
    this.loop = this.run();
  }

  /** Finishes the batch in hand, then stops. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /**
   * Dispatches one batch: claim, start workflows, mark dispatched, commit. Returns how many
   * events were claimed. Starts that fail leave their rows pending for the next batch.
   */
  async dispatchBatch(): Promise<{ claimed: number; failed: number; more: boolean }> {
    const timer = this.metrics.relayLoopDuration.startTimer();
    const client = await this.options.pool.connect();
    let broken = false;
    try {
      // One round trip: the settings are made inside the transaction they apply to.
      const timeout =
        this.options.batchTimeoutMs === undefined
          ? ''
          : `; SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.round(this.options.batchTimeoutMs))}`;
      // No wait for the WAL flush (up to a second under load here, and every next batch, other
      // tenants' included, waited behind it). Safe: Temporal's start is the durable step; a
      // PostgreSQL crash loses at most the last moments' whole batches (none older than a later
      // synchronous commit), whose rows are pending again and find their workflows started.
      await client.query(`BEGIN; SET LOCAL synchronous_commit = off${timeout}`);
      const perTenant = this.options.tenantShare ?? Math.max(1, Math.ceil(this.options.batchSize / 4));
      const window = this.options.tenantWindow ?? DEFAULT_TENANT_WINDOW;
      const events = await claimPendingEvents(client, this.options.batchSize, { perTenant, afterTenant: this.tenantCursor, window });
      const started: { id: string; workflowId: string }[] = [];
      let failed = 0;
      let firstError: unknown;
      await Promise.all(
        events.map((event) =>
          this.limit(async () => {
            try {
              const { outcome, workflowId, eagerlyStarted } = await inDispatchSpan(event, this.options.installationId, () =>
                startDeliveryWorkflow(this.options.client, event, {
                  installationId: this.options.installationId,
                  taskQueue: this.options.taskQueue,
                  deadLetterHoldMs: this.options.deadLetterHoldMs,
                  ...(this.options.historyLimit !== undefined && { historyLimit: this.options.historyLimit }),
                  ...(this.eagerStart && { eagerStart: true }),
                }),
              );
              if (outcome === 'already_started') this.stats.alreadyStarted += 1;
              else this.stats.started += 1;
              if (eagerlyStarted) this.stats.eagerlyStarted += 1;
              started.push({ id: event.id, workflowId });
            } catch (error) {
              failed += 1;
              firstError ??= error;
            }
          }),
        ),
      );
      await markEventsDispatched(client, started);
      await client.query('COMMIT');
      this.stats.batches += 1;
      this.stats.claimed += events.length;
      this.stats.dispatched += started.length;
      this.stats.startFailures += failed;
      const typeOf = new Map(events.map((event) => [event.id, event.event_type]));
      for (const { id } of started) this.metrics.eventsDispatched.inc({ event_type: this.metrics.eventTypeLabel(typeOf.get(id) ?? 'unknown') });
      if (failed > 0) this.metrics.workflowStartFailures.inc(failed);
      this.metrics.relayBatchSize.observe(events.length);
      timer();
      if (failed > 0) {
        this.options.logger.warn(
          { failed, dispatched: started.length, err: errorSummary(firstError) },
          'could not start some delivery workflows; their events stay pending and will be retried. Is Temporal reachable?',
        );
      } else if (events.length > 0) {
        this.options.logger.debug({ dispatched: started.length }, 'dispatched batch');
      }
      const next = afterClaim(events, { limit: this.options.batchSize, perTenant });
      this.tenantCursor = next.afterTenant;
      return { claimed: events.length, failed, more: next.more };
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A connection that failed mid-transaction may be unusable: drop it rather than reuse it.
      client.release(broken);
    }
  }

  private async run(): Promise<void> {
    let consecutiveErrors = 0;
    while (!this.stopping) {
      let fullBatch = false;
      let claimedSome = false;
      let backoffMs = 0;
      try {
        this.notified = false;
        const { claimed, failed, more } = await this.dispatchBatch();
        fullBatch = more && failed === 0;
        claimedSome = claimed > 0;
        consecutiveErrors = failed > 0 ? consecutiveErrors + 1 : 0;
      } catch (error) {
        consecutiveErrors += 1;
        this.options.logger.error({ err: errorSummary(error) }, 'relay batch failed; retrying. Is PostgreSQL reachable?');
      }
      if (Date.now() - this.lastLaneSweepAt >= LANE_SWEEP_INTERVAL_MS) await this.sweepLanes();
      this.stats.lastLoopAt = Date.now();
      this.metrics.relayLastLoop.set(this.stats.lastLoopAt / 1000);
      if (consecutiveErrors > 0) backoffMs = Math.min(200 * 2 ** (consecutiveErrors - 1), 10_000);
      if (this.stopping) break;
      if (backoffMs > 0) await this.sleep(backoffMs, false);
      // Events came but not a full share: more may be waiting for their tenant's admission
      // window (finishing events send no NOTIFY), so look again soon rather than at the poll.
      else if (!fullBatch) await this.sleep(claimedSome ? Math.min(SOON_MS, this.options.pollIntervalMs) : this.options.pollIntervalMs, true);
    }
  }

  /** Closes lane places nobody will close (see releaseOrphanedLanes); a failure waits for the next sweep. */
  private async sweepLanes(): Promise<void> {
    this.lastLaneSweepAt = Date.now();
    try {
      const released = await releaseOrphanedLanes(this.options.pool, this.options.client);
      if (released > 0) this.options.logger.warn({ released }, 'released ordered-lane places held by finished events; the events behind them go on');
    } catch (error) {
      this.options.logger.warn({ err: errorSummary(error) }, 'could not look for orphaned ordered-lane places; trying again later');
    }
  }

  /** Sleeps until the timeout, stop(), or (when `wakeOnNotify`) a NOTIFY that arrived meanwhile. */
  private async sleep(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (wakeOnNotify && this.notified) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        if (wakeOnNotify || this.stopping) done();
      };
    });
    this.wake = undefined;
  }

  /** Keeps one LISTEN connection open, reconnecting with backoff; polling covers any gap. */
  private async listen(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      const listener = new pg.Client({ connectionString: this.options.connectionString, application_name: 'outbox-relay-listen' });
      try {
        const closed = new Promise<void>((resolve) => {
          // `on`, not `once`: pg can emit several errors, and an unhandled one would crash the process.
          listener.on('error', () => resolve());
          listener.once('end', () => resolve());
        });
        await listener.connect();
        listener.on('notification', () => {
          this.notified = true;
          this.wake?.();
        });
        await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
        this.listener = listener;
        attempt = 0;
        // Wake once: events committed while we were not listening are found by this batch.
        this.notified = true;
        this.wake?.();
        await closed;
      } catch (error) {
        this.options.logger.warn({ err: errorSummary(error) }, 'relay LISTEN connection failed; polling until it reconnects');
      }
      await listener.end().catch(() => undefined);
      if (this.stopping) return;
      attempt += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 15_000)).unref());
    }
  }
}

function errorSummary(error: unknown): { message: string; name?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { message: String(error) };
}
