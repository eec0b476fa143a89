/**
 * The inbox room: the receiving side, for consumers: verifying Standard Webhooks signatures
 * and recording each message once. Imports no other room.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** The verified event a handler receives (the JSON envelope the engine sends). */
export interface InboxEvent {
  type: string;
  id: string;
  data: unknown;
  [field: string]: unknown;
}

/** What to answer the engine: 2xx acknowledges, 401 refuses for good, 5xx asks for a retry. */
export interface InboxAnswer {
  status: number;
  body: string;
  /** True when this webhook-id was processed before: acknowledged, handler not run. */
  duplicate?: boolean;
}

export interface InboxOptions {
  /** The subscription's Standard Webhooks secret (`whsec_…`). */
  secret: string;
  /** Table recording processed webhook ids; default `outbox_inbox` (created by `ensureTable`). */
  table?: string;
}

/** Your handler: runs inside the inbox's transaction, on `client`; throw to have the engine retry. */
export type InboxHandler = (event: InboxEvent, client: pg.PoolClient) => Promise<void>;

/**
 * A consumer-side inbox: verifies each delivery's Standard Webhooks signature and timestamp
 * (5 minutes of tolerance), then records its `webhook-id` in YOUR database in the same
 * transaction as your handler's writes. A redelivered event (the engine delivers at least once)
 * finds its id and is acknowledged without running the handler again: at-least-once delivery
 * plus this inbox is an exactly-once effect.
 *
 * @example
 * const inbox = createInbox(pool, { secret: process.env.WEBHOOK_SECRET! });
 * await inbox.ensureTable();
 * http.createServer(inbox.listener(async (event, client) => {
 *   await client.query('INSERT INTO orders_seen (id) VALUES ($1)', [event.data.orderId]);
 * })).listen(9000);
 */
export function createInbox(pool: pg.Pool, options: InboxOptions) {
  const table = options.table ?? 'outbox_inbox';
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(table))
    throw new Error(`inbox table name ${JSON.stringify(table)} must be a plain (optionally schema-qualified) identifier`);
  const verifier = new Webhook(options.secret);

  /** Verifies and processes one delivery; never throws, answers what the engine should see. */
  async function handle(request: { headers: IncomingHttpHeaders | Record<string, string>; body: string }, handler: InboxHandler): Promise<InboxAnswer> {
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value[0] : value]),
    ) as Record<string, string>;
    let event: InboxEvent;
    try {
      event = verifier.verify(request.body, headers) as InboxEvent;
    } catch (error) {
      // A bad signature or a stale/future timestamp: refuse (4xx: the engine will not retry it).
      const reason = error instanceof WebhookVerificationError ? error.message : 'unreadable body';
      return { status: 401, body: JSON.stringify({ error: `webhook verification failed: ${reason}` }) };
    }
    const id = headers['webhook-id']!;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // A concurrent delivery of the same id waits here for the first one's commit, then conflicts.
      const inserted = await client.query(`INSERT INTO ${table} (webhook_id) VALUES ($1) ON CONFLICT (webhook_id) DO NOTHING RETURNING webhook_id`, [id]);
      if (inserted.rowCount === 0) {
        await client.query('COMMIT');
        return { status: 200, body: JSON.stringify({ status: 'duplicate', id }), duplicate: true };
      }
      await handler(event, client);
      await client.query('COMMIT');
      return { status: 200, body: JSON.stringify({ status: 'processed', id }) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // Nothing was recorded, so the engine's retry runs the handler again.
      return { status: 500, body: JSON.stringify({ error: `handler failed: ${(error as Error).message}` }) };
    } finally {
      client.release();
    }
  }

  return {
    handle,
    /** Creates the inbox table if it does not exist. */
    async ensureTable(): Promise<void> {
      await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (webhook_id text PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())`);
    },
    /** A node:http (or Express, given the raw body) request listener around `handler`. */
    listener(handler: InboxHandler): (request: IncomingMessage, response: ServerResponse) => void {
      return (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          void handle({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') }, handler).then((answer) => {
            response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
          });
        });
      };
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
