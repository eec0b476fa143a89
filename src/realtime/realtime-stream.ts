import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { buildTargetMessage } from '../activities/target-message.js';
import type { Database, EventRow } from '../db/database.js';
import { tenantIdSchema } from '../outbox/event-formats.js';
import { checkStreamToken } from './stream-token.js';

const HEARTBEAT_MS = 15_000;
const POLL_MS = 5_000;
const BATCH = 500;

interface StreamClient {
  tenant: string;
  /** outbox.deliveries.target of this channel, e.g. "realtime default". */
  target: string;
  lastId: bigint;
  response: ServerResponse;
  pumping: boolean;
  again: boolean;
}

export interface RealtimeStreamOptions {
  db: Kysely<Database>;
  connectionString: string;
  /** OUTBOX_REALTIME_SECRET; the stream answers 503 without it. */
  secret: string | undefined;
  /** Origins allowed by CORS (`*` for any); none means same-origin only. */
  allowedOrigins: string[];
  logger: Logger;
}

/**
 * `GET /v1/stream?tenant=T[&channel=C]` with a per-tenant token (`?token=` or `Authorization:
 * Bearer`): server-sent events of the tenant's realtime deliveries. Each SSE id is the delivery
 * log row's id, so a browser reconnecting with Last-Event-ID (or `?lastEventId=`) gets every
 * row after it; rows of one tenant are written in commit order, so none is skipped. A NOTIFY
 * on each delivery wakes the stream, and a poll covers missed notifications.
 */
export class RealtimeStream {
  private readonly clients = new Set<StreamClient>();
  private listener: pg.Client | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly options: RealtimeStreamOptions) {}

  async start(): Promise<void> {
    this.timers.push(
      setInterval(() => this.clients.forEach((client) => this.pump(client)), POLL_MS),
      setInterval(() => this.clients.forEach((client) => client.response.write(': keep-alive\n\n')), HEARTBEAT_MS),
    );
    await this.listen();
  }

  private async listen(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.options.connectionString, application_name: 'outbox-realtime-listen' });
    listener.on('error', () => undefined);
    listener.on('notification', (note) => {
      for (const client of this.clients) if (client.tenant === note.payload) this.pump(client);
    });
    listener.once('end', () => {
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1_000).unref();
    });
    await listener.connect();
    await listener.query('LISTEN outbox_realtime');
    this.listener = listener;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    for (const client of this.clients) client.response.end();
    this.clients.clear();
    await this.listener?.end().catch(() => undefined);
  }

  /** Handles one stream request; answers errors as JSON with what to do. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const fail = (status: number, error: string) => {
      response.writeHead(status, { 'content-type': 'application/json', ...this.corsHeaders(request) });
      response.end(JSON.stringify({ error }));
    };
    if (!this.options.secret) return fail(503, 'realtime streaming is off: set OUTBOX_REALTIME_SECRET on the engine');
    const tenant = url.searchParams.get('tenant') ?? '';
    if (!tenantIdSchema.safeParse(tenant).success) return fail(400, 'pass ?tenant=<tenant id>');
    const channel = url.searchParams.get('channel') ?? 'default';
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(channel)) return fail(400, 'channel must be 1 to 64 letters, digits, "_", "." or "-"');
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const token = url.searchParams.get('token') ?? bearer ?? '';
    const refused = checkStreamToken(this.options.secret, token, tenant);
    if (refused) return fail(401, `${refused}: get a token for this tenant (outbox realtime token --tenant ${tenant})`);

    const resumeFrom = request.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined;
    const target = `realtime ${channel}`;
    let lastId: bigint;
    if (resumeFrom !== undefined && /^\d{1,19}$/.test(String(resumeFrom))) {
      lastId = BigInt(String(resumeFrom));
    } else {
      // A fresh connection starts at "now": history is for reconnects, not new browsers.
      const row = await sql<{ max: string | null }>`SELECT max(id)::text AS max FROM outbox.deliveries
        WHERE tenant_id = ${tenant} AND target_kind = 'realtime' AND outcome = 'delivered'`.execute(this.options.db);
      lastId = BigInt(row.rows[0]?.max ?? '0');
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.corsHeaders(request),
    });
    response.write('retry: 2000\n\n');
    const client: StreamClient = { tenant, target, lastId, response, pumping: false, again: false };
    this.clients.add(client);
    request.once('close', () => this.clients.delete(client));
    this.pump(client);
  }

  private corsHeaders(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin;
    const allowed = this.options.allowedOrigins;
    if (!origin || allowed.length === 0) return {};
    if (allowed.includes('*')) return { 'access-control-allow-origin': '*' };
    return allowed.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
  }

  /** Sends every row after the client's last id; one pump per client at a time. */
  private pump(client: StreamClient): void {
    if (client.pumping) {
      client.again = true;
      return;
    }
    client.pumping = true;
    void (async () => {
      try {
        do {
          client.again = false;
          for (;;) {
            const rows = await this.rowsAfter(client);
            for (const row of rows) {
              const message = buildTargetMessage(row, row.message_id);
              client.response.write(`id: ${row.delivery_id}\nevent: ${row.event_type}\ndata: ${message.body}\n\n`);
              client.lastId = BigInt(row.delivery_id);
            }
            if (rows.length < BATCH) break;
          }
        } while (client.again && this.clients.has(client));
      } catch (error) {
        this.options.logger.warn({ err: { message: (error as Error).message }, tenant: client.tenant }, 'realtime stream query failed; will retry');
      } finally {
        client.pumping = false;
      }
    })();
  }

  private async rowsAfter(client: StreamClient): Promise<(EventRow & { delivery_id: string; message_id: string })[]> {
    return this.options.db
      .selectFrom('outbox.deliveries as d')
      .innerJoin('outbox.events as e', 'e.id', 'd.event_id')
      .selectAll('e')
      .select(sql<string>`d.id::text`.as('delivery_id'))
      .select('d.workflow_id as message_id')
      .where('d.tenant_id', '=', client.tenant)
      .where('d.target_kind', '=', 'realtime')
      .where('d.outcome', '=', 'delivered')
      .where('d.target', '=', client.target)
      .where(sql<boolean>`d.id > ${client.lastId.toString()}::bigint`)
      .orderBy('d.id')
      .limit(BATCH)
      .execute();
  }
}
