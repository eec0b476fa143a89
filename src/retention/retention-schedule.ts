import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { formatDuration } from '../durations/duration.js';
import { cleanUp } from './clean-up.js';

export interface RetentionScheduleOptions {
  db: Kysely<Database>;
  /** OUTBOX_RETENTION: finished rows older than this are deleted. */
  retentionMs: number;
  /** OUTBOX_CLEANUP_INTERVAL: time between runs. */
  intervalMs: number;
  logger: Logger;
  /** Delay before the first run, so a restarting engine does not clean while it warms up. */
  firstRunAfterMs?: number;
}

/**
 * The engine's own retention timer: runs {@link cleanUp} every interval (in processes with the
 * relay role). Several engines may run it at once; their batches skip each other's rows.
 *
 * @example
 * const schedule = new RetentionSchedule({ db, retentionMs: 7 * 86_400_000, intervalMs: 3_600_000, logger });
 * schedule.start();
 * await schedule.stop();
 */
export class RetentionSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly options: RetentionScheduleOptions) {}

  start(): void {
    this.schedule(this.options.firstRunAfterMs ?? 60_000);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (!this.abort.signal.aborted) this.schedule(this.options.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** One cleanup run; failures are logged and retried at the next interval. */
  async runOnce(): Promise<void> {
    const { logger, retentionMs } = this.options;
    try {
      const result = await cleanUp(this.options.db, { olderThanMs: retentionMs, signal: this.abort.signal });
      if (result.events + result.deliveries > 0) {
        logger.info({ ...result, olderThan: formatDuration(retentionMs) }, 'retention: deleted finished events and old delivery log rows');
      }
    } catch (error) {
      logger.warn({ err: error }, 'retention cleanup failed; it runs again at the next interval. Is PostgreSQL reachable?');
    }
  }

  /** Stops the timer and lets a run in progress finish its batch. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.running;
  }
}
