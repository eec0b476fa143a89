// The chaos run's webhook consumer: an inbox-backed handler (exactly-once effect) that records
// every raw request, and can flap: 503s, answers slower than the engine's timeout, resets.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { keyOfMessageId } from '../helpers/webhook-sink.js';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';

export interface RawRequest {
  id: string;
  at: number;
  /** What happened: processed, duplicate (inbox hit), or a flapping answer. */
  outcome: 'processed' | 'duplicate' | 'failed' | '503' | 'slow' | 'reset';
}

export class ChaosConsumer {
  readonly requests: RawRequest[] = [];
  flapping = false;
  private server: Server | undefined;
  private readonly pool: pg.Pool;
  private readonly inbox: Inbox;
  private flapCounter = 0;

  constructor(
    connectionString: string,
    secret: string,
    private readonly slowMs: number,
  ) {
    this.pool = new pg.Pool({ connectionString, max: 20, application_name: 'chaos-consumer' });
    this.inbox = createInbox(this.pool, { secret, table: 'consumer_inbox' });
  }

  async start(): Promise<this> {
    await this.inbox.ensureTable();
    await this.pool.query('CREATE TABLE IF NOT EXISTS consumer_effects (webhook_id text NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())');
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on(
        'end',
        () => void this.answer(keyOfMessageId(String(request.headers['webhook-id'])), request.headers, Buffer.concat(chunks).toString('utf8'), response),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  private async answer(id: string, headers: Record<string, unknown>, body: string, response: ServerResponse): Promise<void> {
    const at = Date.now();
    if (this.flapping) {
      const mode = this.flapCounter++ % 4;
      if (mode === 0) {
        this.requests.push({ id, at, outcome: '503' });
        response.writeHead(503).end();
        return;
      }
      if (mode === 1) {
        this.requests.push({ id, at, outcome: 'reset' });
        response.socket?.resetAndDestroy();
        return;
      }
      if (mode === 2) {
        // Processed and committed, but answered after the engine gave up: a retry will come.
        const answer = await this.inbox.handle({ headers: headers as Record<string, string>, body }, (event, client) => this.apply(event.id, client));
        this.requests.push({ id, at, outcome: answer.duplicate ? 'duplicate' : answer.status === 200 ? 'slow' : 'failed' });
        setTimeout(() => response.writeHead(answer.status).end(answer.body), this.slowMs);
        return;
      }
    }
    const answer = await this.inbox.handle({ headers: headers as Record<string, string>, body }, (event, client) => this.apply(event.id, client));
    this.requests.push({ id, at, outcome: answer.duplicate ? 'duplicate' : answer.status === 200 ? 'processed' : 'failed' });
    if (!response.destroyed) response.writeHead(answer.status).end(answer.body);
  }

  private async apply(id: string, client: pg.PoolClient): Promise<void> {
    await client.query('INSERT INTO consumer_effects (webhook_id) VALUES ($1)', [id]);
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** Effects per webhook id (more than one would be a duplicate effect). */
  async effects(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ webhook_id: string; n: number }>(
      'SELECT webhook_id, count(*)::int AS n FROM consumer_effects GROUP BY webhook_id',
    );
    // Keyed by idempotency key, as the writers record what they committed.
    return new Map(rows.map((row) => [keyOfMessageId(row.webhook_id), row.n]));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
    await this.pool.end();
  }
}
