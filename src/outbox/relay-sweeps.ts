import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { countSendingTenants } from './admission-window.js';
import { errorSummary } from './error-summary.js';
import { HELD_RELEASE_INTERVAL_MS, releaseHeldEvents } from './held-events.js';
import { LANE_SWEEP_INTERVAL_MS, releaseOrphanedLanes } from './orphaned-lanes.js';
import type { RelayOptions } from './relay-options.js';

/** How often the relay counts the tenants sending, which its admission windows follow. */
export const SENDING_COUNT_INTERVAL_MS = 1_000;

/**
 * The relay's housekeeping beside its claims, each on its own interval: releasing held events
 * whose breaker closed or lets a probe through (held-events.ts), closing ordered-lane places
 * nobody will close (orphaned-lanes.ts), and counting the tenants sending, whose number shares
 * the admission budget (admission-window.ts). All run in the background, on the pool, so a
 * claim (another tenant's next event) never waits behind them; a failure waits for the next
 * interval (the last count stands meanwhile).
 *
 * @example
 * const sweeps = new RelaySweeps(pool, client, logger, 5_000);
 * sweeps.due(); // in the relay's loop
 * sweeps.sendingTenants; // the tenants sending, as last counted
 * await sweeps.settle(); // on stop
 */
export class RelaySweeps {
  /** When each sweep last started (0: on the first loop), and the one under way, if any. */
  private readonly held = { last: 0, running: undefined as Promise<void> | undefined };
  private readonly lanes = { last: 0, running: undefined as Promise<void> | undefined };
  private readonly sending = { last: 0, running: undefined as Promise<void> | undefined };
  /** Tenants with an event started within the admission window, as last counted (0 before the first count). */
  sendingTenants = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly client: Client,
    private readonly logger: RelayOptions['logger'],
    private readonly windowMs: number,
  ) {}

  /** Starts the sweeps whose interval has passed and that are not still running. */
  due(): void {
    this.start(this.held, HELD_RELEASE_INTERVAL_MS, () => this.releaseHeld());
    this.start(this.lanes, LANE_SWEEP_INTERVAL_MS, () => this.releaseLanes());
    this.start(this.sending, SENDING_COUNT_INTERVAL_MS, () => this.countSending());
  }

  /** Waits for the sweeps under way (they never throw). */
  async settle(): Promise<void> {
    await Promise.all([this.held.running, this.lanes.running, this.sending.running]);
  }

  private start(sweep: { last: number; running: Promise<void> | undefined }, intervalMs: number, run: () => Promise<void>): void {
    if (sweep.running || Date.now() - sweep.last < intervalMs) return;
    sweep.last = Date.now();
    sweep.running = run().finally(() => {
      sweep.running = undefined;
    });
  }

  private async releaseHeld(): Promise<void> {
    try {
      const released = await releaseHeldEvents(this.pool);
      if (released > 0)
        this.logger.info({ released }, 'released events held for an open circuit breaker: their endpoint takes deliveries again, or is due a probe');
    } catch (error) {
      this.logger.warn({ err: errorSummary(error) }, 'could not release held events; trying again shortly');
    }
  }

  private async releaseLanes(): Promise<void> {
    try {
      const released = await releaseOrphanedLanes(this.pool, this.client);
      if (released > 0) this.logger.warn({ released }, 'released ordered-lane places held by finished events; the events behind them go on');
    } catch (error) {
      this.logger.warn({ err: errorSummary(error) }, 'could not look for orphaned ordered-lane places; trying again later');
    }
  }

  private async countSending(): Promise<void> {
    try {
      this.sendingTenants = await countSendingTenants(this.pool, this.windowMs);
    } catch (error) {
      this.logger.warn({ err: errorSummary(error) }, 'could not count the tenants sending; their admission windows stay as they were');
    }
  }
}
