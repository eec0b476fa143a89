import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { PaceSnapshot } from '../activities/endpoint-pace.js';

/** How often a worker writes its snapshot; `outbox status` ignores one older than four of these. */
export const ENDPOINT_REPORT_INTERVAL_MS = 5_000;

/**
 * Writes this worker's endpoint pace (sends in flight per subscription, and which endpoints it
 * holds back from the first pass and why) to `outbox.endpoint_reports` every few seconds, so
 * `outbox status`, run from anywhere, can show what every worker is doing per endpoint. One
 * row per worker, overwritten; only endpoints with sends under way or held back are written.
 * `stop()` deletes the row. A failed write is logged and tried again at the next tick: the
 * report is for operators, never in the way of deliveries.
 *
 * @example
 * const reporter = new EndpointReporter({ db, snapshot: () => pace.snapshot(), logger });
 * await reporter.during(worker.run()); // reports until the worker stops
 */
export class EndpointReporter {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      db: Kysely<Database>;
      snapshot: () => PaceSnapshot[];
      logger: Logger;
      intervalMs?: number;
    },
  ) {}

  start(): void {
    const intervalMs = this.options.intervalMs ?? ENDPOINT_REPORT_INTERVAL_MS;
    this.timer = setInterval(() => {
      this.writing = this.writing.then(() => this.write());
    }, intervalMs);
    this.timer.unref();
  }

  /** Reports while `running` (a worker's `run()`) runs, then removes the report. */
  async during(running: Promise<void>): Promise<void> {
    this.start();
    try {
      await running;
    } finally {
      await this.stop();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
    await this.options.db
      .deleteFrom('outbox.endpoint_reports')
      .where('worker_id', '=', this.workerId)
      .execute()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "could not remove this worker's endpoint report"));
  }

  /** One upsert, idle or not: the row's age tells `outbox status` the worker still runs. */
  private async write(): Promise<void> {
    const endpoints = this.options.snapshot().filter((line) => line.sending > 0 || line.inFlight > 0 || line.deferred);
    const json = JSON.stringify(endpoints);
    try {
      await sql`
        INSERT INTO outbox.endpoint_reports (worker_id, reported_at, endpoints)
        VALUES (${this.workerId}, clock_timestamp(), ${json}::jsonb)
        ON CONFLICT (worker_id) DO UPDATE SET reported_at = excluded.reported_at, endpoints = excluded.endpoints`.execute(this.options.db);
    } catch (error) {
      this.options.logger.warn({ err: error }, "could not write this worker's endpoint report; trying again");
    }
  }
}
