import pg from 'pg';
import type { Logger } from 'pino';
import { errorSummary } from './error-summary.js';

/** The PostgreSQL channel the events trigger notifies on commit. */
export const OUTBOX_CHANNEL = 'outbox_events';

/**
 * The relay's LISTEN connection: calls `onNotify` for every committed event's NOTIFY, and once
 * after each (re)connect, since events committed while it was not listening sent theirs to
 * nobody. Reconnects with backoff; the relay's poll covers any gap.
 *
 * @example
 * const listener = new OutboxListener(connectionString, logger, () => relay.wakeUp());
 * listener.start();
 * await listener.stop();
 */
export class OutboxListener {
  private stopping = false;
  private client: pg.Client | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
    private readonly onNotify: () => void,
  ) {}

  start(): void {
    this.stopping = false;
    this.loop ??= this.listen();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    this.loop = undefined;
  }

  private async listen(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      const client = new pg.Client({ connectionString: this.connectionString, application_name: 'outbox-relay-listen' });
      try {
        const closed = new Promise<void>((resolve) => {
          // `on`, not `once`: pg can emit several errors, and an unhandled one would crash the process.
          client.on('error', () => resolve());
          client.once('end', () => resolve());
        });
        await client.connect();
        client.on('notification', () => this.onNotify());
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        // Stopped while connecting: close this connection rather than keep it open unowned.
        if (!this.stopping) {
          this.client = client;
          attempt = 0;
          this.onNotify();
          await closed;
        }
      } catch (error) {
        this.logger.warn({ err: errorSummary(error) }, 'relay LISTEN connection failed; polling until it reconnects');
      }
      await client.end().catch(() => undefined);
      if (this.stopping) return;
      attempt += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 15_000)).unref());
    }
  }
}
