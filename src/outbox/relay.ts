/**
 * The outbox room: the data path's first half. enqueue.ts writes an event in the caller's
 * transaction; the relay (this file) claims committed rows fairly across tenants and starts one
 * workflow per event; status, search and verification reads live here too. May import
 * workflows/ (the workflow's name and input), metrics/, events/ and db/.
 */
import { NativeConnection } from '@temporalio/worker';
import { EngineMetrics } from '../metrics/engine-metrics.js';
import { admissionWindowOf, defaultTenantShare, tenantWindowFor, type AdmissionWindow } from './admission-window.js';
import { afterClaim, type ClaimedEvent } from './claim-pending-events.js';
import { RelayBatch } from './relay-batch.js';
import { inDispatchSpan } from './dispatch-span.js';
import { errorSummary } from './error-summary.js';
import { OutboxListener } from './outbox-listener.js';
import { RelaySweeps } from './relay-sweeps.js';
import { startDeliveryWorkflow } from './start-delivery-workflow.js';
import { DEFAULT_TENANT_PACE_MS, TenantPace } from './tenant-pace.js';
import type { RelayOptions, RelayStats } from './relay-options.js';

/** How soon the relay looks again after a batch that claimed some events but not a full share. */
const SOON_MS = 100;

/**
 * Two batches in flight: while one waits for slow workflow starts (one tenant's, under a flood),
 * the next claims the other tenants' events. Measured with the noisy-neighbour bench (README
 * *Flow control*); more than two gained nothing there and holds more connections.
 */
export const DEFAULT_BATCHES_IN_FLIGHT = 2;

export { OUTBOX_CHANNEL } from './outbox-listener.js';

export type { RelayOptions, RelayStats } from './relay-options.js';

/**
 * The relay: claims committed pending events, starts one deliverEvent workflow per event and
 * marks them dispatched, in one transaction per batch (RelayBatch). Up to `batchesInFlight`
 * batches at once, tenant-disjoint: while one tenant's starts are slow, the next batch claims
 * the other tenants' events. Wakes on NOTIFY, polls as a fallback.
 *
 * @example
 * const relay = new Relay({ pool, connectionString, client, installationId, taskQueue, batchSize: 200, concurrency: 64, pollIntervalMs: 1000, deadLetterHoldMs, logger });
 * relay.start();
 * // ... on SIGTERM:
 * await relay.stop();
 */
export class Relay {
  readonly stats: RelayStats = {
    batches: 0,
    claimed: 0,
    started: 0,
    alreadyStarted: 0,
    startFailures: 0,
    eagerlyStarted: 0,
    dispatched: 0,
    held: 0,
    lastLoopAt: 0,
    tenantsSending: 0,
  };
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private notified = false;
  private readonly listener: OutboxListener;
  /** Batches claimed and not yet committed, with their tenants (left out of the next claims). */
  private readonly inFlight = new Map<Promise<void>, ReadonlySet<string>>();
  private readonly batchesInFlight: number;
  /** Claims made so far: tells a finishing batch whether a claim left its tenants out meanwhile. */
  private claims = 0;
  /** Batches in a row whose starts failed (Temporal unreachable) or that failed altogether. */
  private batchErrors = 0;
  /** When the relay last said Temporal does not answer (once a minute at most). */
  private unreachableLoggedAt = 0;
  private readonly metrics: EngineMetrics;
  private readonly eagerStart: boolean;
  /** The last tenant a full batch reached: the next batch starts after it (round robin). */
  private tenantCursor = '';
  private readonly sweeps: RelaySweeps;
  /** The tenants' admission window, whose budget the tenants sending share (admission-window.ts). */
  private readonly budget: AdmissionWindow;
  /** Backlogged tenants' batches spaced out while other tenants send (tenant-pace.ts). */
  private readonly pace: TenantPace;

  constructor(private readonly options: RelayOptions) {
    this.eagerStart = options.eagerStart === true && options.client.connection instanceof NativeConnection;
    this.batchesInFlight = options.batchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT;
    this.metrics = options.metrics ?? new EngineMetrics();
    const window = options.tenantWindow;
    this.budget = admissionWindowOf(window?.maxUnfinished, window?.minUnfinished, window?.windowMs);
    this.sweeps = new RelaySweeps(options.pool, options.client, options.logger, this.budget.windowMs);
    this.pace = new TenantPace(options.tenantPaceMs ?? DEFAULT_TENANT_PACE_MS);
    this.listener = new OutboxListener(options.connectionString, options.logger, () => {
      this.notified = true;
      this.wake?.();
    });
  }

  /** Starts listening and looping; returns at once. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.listener.start();
    this.loop = this.run();
  }

  /** Finishes the batches in hand, then stops. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.listener.stop();
  }

  /**
   * Claims one batch, excluding the tenants of the batches still in flight and the paced ones,
   * and starts finishing it in the background (its starts, mark and commit). Returns what the
   * loop does next: claim again at once (`more`), or sleep.
   */
  private async claimBatch(): Promise<{ claimed: number; more: boolean }> {
    // The budget shared by the tenants sending, as the sweeps last counted them.
    const sending = this.sweeps.sendingTenants;
    const window = { maxUnfinished: tenantWindowFor(this.budget, sending), windowMs: this.budget.windowMs };
    this.stats.tenantsSending = sending;
    this.metrics.tenantsSending.set(sending);
    this.metrics.tenantWindow.set(window.maxUnfinished);
    const perTenant = this.options.tenantShare ?? defaultTenantShare(this.options.batchSize, window.maxUnfinished);
    const startedAt = Date.now();
    const busyTenants = [...[...this.inFlight.values()].flatMap((tenants) => [...tenants]), ...this.pace.pacedNow(startedAt, sending)];
    this.claims += 1;
    const timer = this.metrics.relayLoopDuration.startTimer();
    const batch = await RelayBatch.open(this.options.pool, {
      limit: this.options.batchSize,
      share: { perTenant, afterTenant: this.tenantCursor, window, busyTenants },
      ...(this.options.batchTimeoutMs !== undefined && { batchTimeoutMs: this.options.batchTimeoutMs }),
    });
    const next = afterClaim(batch.events, { limit: this.options.batchSize, perTenant });
    this.pace.claimed(startedAt, next.fullTenants);
    this.tenantCursor = next.afterTenant;
    const finishing = this.finishBatch(batch, this.claims, timer);
    this.inFlight.set(finishing, batch.tenants);
    void finishing.finally(() => this.inFlight.delete(finishing));
    // An empty batch only has its transaction to end: end it before sleeping.
    if (batch.events.length === 0) await finishing;
    return { claimed: batch.events.length, more: next.more };
  }

  /** Starts a claimed batch's workflows, marks and commits; counts and logs what happened. Never throws. */
  private async finishBatch(batch: RelayBatch, claimsAtOpen: number, timer: () => void): Promise<void> {
    try {
      const { started, held, failed, firstError } = await batch.finish((event) => this.startWorkflow(event), this.options.concurrency);
      this.stats.batches += 1;
      this.stats.held += held;
      this.stats.claimed += batch.events.length;
      this.stats.dispatched += started.length;
      this.stats.startFailures += failed;
      const typeOf = new Map(batch.events.map((event) => [event.id, event.event_type]));
      for (const { id } of started) this.metrics.eventsDispatched.inc({ event_type: this.metrics.eventTypeLabel(typeOf.get(id) ?? 'unknown') });
      if (failed > 0) this.metrics.workflowStartFailures.inc(failed);
      this.metrics.relayBatchSize.observe(batch.events.length);
      timer();
      this.batchErrors = failed > 0 ? this.batchErrors + 1 : 0;
      if (failed > 0) {
        this.options.logger.warn(
          { failed, dispatched: started.length, err: errorSummary(firstError) },
          'could not start some delivery workflows; their events stay pending and will be retried. Is Temporal reachable?',
        );
      } else if (batch.events.length > 0) {
        this.options.logger.debug({ dispatched: started.length, held }, 'dispatched batch');
      }
    } catch (error) {
      this.batchErrors += 1;
      this.options.logger.error({ err: errorSummary(error) }, 'relay batch failed; its events stay pending and will be retried. Is PostgreSQL reachable?');
    }
    // A claim made meanwhile left this batch's tenants out: look again now that they are free.
    if (this.claims > claimsAtOpen && batch.tenants.size > 0) {
      this.notified = true;
      this.wake?.();
    }
  }

  /** Starts one event's workflow (idempotent: see startDeliveryWorkflow), counting the outcome. */
  private async startWorkflow(event: ClaimedEvent): Promise<{ workflowId: string }> {
    const { outcome, workflowId, eagerlyStarted } = await inDispatchSpan(event, this.options.installationId, () =>
      startDeliveryWorkflow(this.options.client, event, {
        installationId: this.options.installationId,
        taskQueue: this.options.taskQueue,
        deadLetterHoldMs: this.options.deadLetterHoldMs,
        ...(this.options.historyLimit !== undefined && { historyLimit: this.options.historyLimit }),
        ...(this.eagerStart && { eagerStart: true }),
        ...(this.options.searchAttributes && { searchAttributes: this.options.searchAttributes() }),
      }),
    );
    if (outcome === 'already_started') this.stats.alreadyStarted += 1;
    else this.stats.started += 1;
    if (eagerlyStarted) this.stats.eagerlyStarted += 1;
    return { workflowId };
  }

  private async run(): Promise<void> {
    let claimErrors = 0;
    while (!this.stopping) {
      const errors = claimErrors + this.batchErrors;
      if (errors > 0) await this.sleep(Math.min(200 * 2 ** (errors - 1), 10_000), false);
      if (this.stopping) break;
      // Starts failed: claim nothing more until Temporal answers again (the rows stay pending, unlocked).
      if (this.batchErrors > 0 && this.options.temporalUnreachable) {
        const reason = await this.options.temporalUnreachable();
        if (reason !== undefined) {
          if (Date.now() - this.unreachableLoggedAt >= 60_000) {
            this.unreachableLoggedAt = Date.now();
            this.options.logger.warn({ reason }, `relay: Temporal does not answer (${reason}); claiming no events until it does`);
          }
          continue;
        }
        this.unreachableLoggedAt = 0;
      }
      // As many batches in flight as allowed: wait for one to finish before claiming another.
      if (this.inFlight.size >= this.batchesInFlight) {
        await Promise.race(this.inFlight.keys());
        continue;
      }
      let wait: 'none' | 'soon' | 'poll' = 'poll';
      try {
        this.notified = false;
        const { claimed, more } = await this.claimBatch();
        claimErrors = 0;
        wait = more ? 'none' : claimed > 0 ? 'soon' : 'poll';
      } catch (error) {
        claimErrors += 1;
        wait = 'none';
        this.options.logger.error({ err: errorSummary(error) }, 'relay could not claim a batch; retrying. Is PostgreSQL reachable?');
      }
      this.sweeps.due();
      this.stats.lastLoopAt = Date.now();
      this.metrics.relayLastLoop.set(this.stats.lastLoopAt / 1000);
      // Events came but not a full share: more may be waiting for their tenant's admission
      // window (finishing events send no NOTIFY), so look again soon rather than at the poll.
      // A paced tenant's next batch is due before the poll: look again then.
      const pacedIn = this.pace.nextInMs(Date.now(), this.sweeps.sendingTenants) ?? Infinity;
      if (wait !== 'none' && !this.stopping)
        await this.sleep(Math.max(1, Math.min(pacedIn, wait === 'soon' ? SOON_MS : Infinity, this.options.pollIntervalMs)), true);
    }
    await Promise.all([...this.inFlight.keys(), this.sweeps.settle()]);
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
}
