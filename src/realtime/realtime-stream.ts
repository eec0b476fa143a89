/**
 * The realtime room: browser streams (server-sent events) fed by realtime subscriptions, with
 * their tokens and request checks. May import targets/ (message shapes), events/ and db/.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { buildTargetMessage } from '../targets/target-message.js';
import type { Database, EventRow } from '../db/database.js';
import { MAX_BIGINT, readStreamRequest } from './stream-request.js';

const HEARTBEAT_MS = 15_000;
const POLL_MS = 5_000;
const BATCH = 500;
const DEFAULT_MAX_CLIENTS = 500;
/** One tenant's share of the streams: at most this fraction of maxClients (so 100 of 500). */
const TENANT_SHARE = 0.2;
const DEFAULT_STALLED_CLIENT_TIMEOUT_MS = 30_000;

/** Largest delivery log id (PostgreSQL bigint); a Last-Event-ID above it cannot be ours. */

interface StreamClient {
  lastId: bigint;
  response: ServerResponse;
  /** Set while its buffer is full: nothing more is written until it drains, or it is cut off. */
  stalled?: NodeJS.Timeout;
}

/**
 * One tenant's channel (`realtime <channel>` in the delivery log) and the browsers on it: one
 * query per channel, fanned out to every client, however many browsers a tenant opens.
 */
interface Channel {
  tenant: string;
  /** outbox.deliveries.target of this channel, e.g. "realtime default". */
  target: string;
  clients: Set<StreamClient>;
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
  /** Open streams at once, over every tenant (default 500); more are answered 503. One tenant may hold a fifth of them. */
  maxClients?: number;
  /**
   * How long a client may leave its buffer full (default 30 s) before it is cut off. Writes stop
   * while it is full, so a browser that stops reading costs one buffer, never more; cut off, it
   * reconnects with Last-Event-ID and resumes.
   */
  stalledClientTimeoutMs?: number;
}

/**
 * `GET /v1/stream?tenant=T[&channel=C]` with a per-tenant token (`?token=` or `Authorization:
 * Bearer`): server-sent events of the tenant's realtime deliveries. Each SSE id is the delivery
 * log row's id, so a browser reconnecting with Last-Event-ID (or `?lastEventId=`) gets every
 * row after it; rows of one tenant are written in commit order, so none is skipped. A NOTIFY
 * on each delivery wakes the stream, and a poll covers missed notifications.
 */
export class RealtimeStream {
  private readonly channels = new Map<string, Channel>();
  private listener: pg.Client | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly options: RealtimeStreamOptions) {}

  async start(): Promise<void> {
    this.timers.push(
      setInterval(() => this.channels.forEach((channel) => this.pump(channel)), POLL_MS),
      setInterval(() => this.channels.forEach((channel) => channel.clients.forEach((client) => this.send(channel, client, ': keep-alive\n\n'))), HEARTBEAT_MS),
    );
    await this.listen();
  }

  private async listen(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.options.connectionString, application_name: 'outbox-realtime-listen' });
    listener.on('error', () => undefined);
    listener.on('notification', (note) => {
      for (const channel of this.channels.values()) if (channel.tenant === note.payload) this.pump(channel);
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
    for (const channel of this.channels.values()) for (const client of channel.clients) client.response.end();
    this.channels.clear();
    await this.listener?.end().catch(() => undefined);
  }

  /** Handles one stream request; answers errors as JSON with what to do. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const fail = (status: number, error: string) => {
      response.writeHead(status, { 'content-type': 'application/json', ...this.corsHeaders(request) });
      response.end(JSON.stringify({ error }));
    };
    const asked = readStreamRequest(request, url, this.options.secret);
    if ('status' in asked) return fail(asked.status, asked.error);
    const { tenant, channel, resumeFrom } = asked;
    const target = `realtime ${channel}`;
    const maxClients = this.options.maxClients ?? DEFAULT_MAX_CLIENTS;
    if (this.clientCount() >= maxClients) {
      response.setHeader('retry-after', '5');
      return fail(503, 'too many realtime streams are open on this engine; retry shortly');
    }
    // No tenant takes every slot: each may hold its share, the rest stays for the others.
    const tenantShare = Math.max(1, Math.floor(maxClients * TENANT_SHARE));
    if (this.clientCount(tenant) >= tenantShare) {
      response.setHeader('retry-after', '5');
      return fail(429, `tenant ${tenant} has ${tenantShare} realtime streams open, its share of this engine's ${maxClients}; close one or retry shortly`);
    }
    let lastId: bigint;
    if (resumeFrom !== undefined) {
      lastId = resumeFrom;
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
    const key = `${tenant}\n${target}`;
    const stream = this.channels.get(key) ?? { tenant, target, clients: new Set<StreamClient>(), pumping: false, again: false };
    this.channels.set(key, stream);
    const client: StreamClient = { lastId, response };
    stream.clients.add(client);
    request.once('close', () => this.leave(stream, client));
    this.pump(stream);
  }

  /** Open streams, over every tenant and channel. */
  clientCount(tenant?: string): number {
    let count = 0;
    for (const channel of this.channels.values()) if (tenant === undefined || channel.tenant === tenant) count += channel.clients.size;
    return count;
  }

  private leave(channel: Channel, client: StreamClient): void {
    clearTimeout(client.stalled);
    channel.clients.delete(client);
    if (channel.clients.size === 0 && !channel.pumping) this.channels.delete(`${channel.tenant}\n${channel.target}`);
  }

  /**
   * Writes to one client unless its buffer is full (then returns false and writes nothing). A
   * write that fills the buffer holds the client until 'drain' (then the channel pumps again
   * from the client's last id), or cuts it off if that takes longer than the stall timeout.
   */
  private send(channel: Channel, client: StreamClient, text: string): boolean {
    if (client.response.destroyed) {
      this.leave(channel, client);
      return false;
    }
    if (client.stalled) return false;
    if (client.response.write(text)) return true;
    client.stalled = setTimeout(() => {
      this.options.logger.warn(
        { tenant: channel.tenant, buffered: client.response.writableLength },
        'realtime client stopped reading; cut off (it resumes with Last-Event-ID)',
      );
      client.response.destroy();
      this.leave(channel, client);
    }, this.options.stalledClientTimeoutMs ?? DEFAULT_STALLED_CLIENT_TIMEOUT_MS);
    client.response.once('drain', () => {
      clearTimeout(client.stalled);
      delete client.stalled;
      this.pump(channel);
    });
    return true;
  }

  private corsHeaders(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin;
    const allowed = this.options.allowedOrigins;
    if (!origin || allowed.length === 0) return {};
    if (allowed.includes('*')) return { 'access-control-allow-origin': '*' };
    return allowed.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
  }

  /** Sends every row after each client's last id; one query per channel, one pump per channel at a time. */
  private pump(channel: Channel): void {
    if (channel.pumping) {
      channel.again = true;
      return;
    }
    channel.pumping = true;
    void (async () => {
      try {
        do {
          channel.again = false;
          for (;;) {
            if (channel.clients.size === 0) break;
            const ready = [...channel.clients].filter((client) => !client.stalled);
            if (ready.length === 0) break;
            const from = ready.reduce((lowest, client) => (client.lastId < lowest ? client.lastId : lowest), MAX_BIGINT);
            const rows = await this.rowsAfter(channel, from);
            for (const row of rows) {
              const id = BigInt(row.delivery_id);
              const frame = `id: ${row.delivery_id}\nevent: ${row.event_type}\ndata: ${buildTargetMessage(row, row.message_id).body}\n\n`;
              for (const client of ready) {
                if (id <= client.lastId) continue;
                if (this.send(channel, client, frame)) client.lastId = id;
              }
            }
            if (rows.length < BATCH) break;
          }
        } while (channel.again && channel.clients.size > 0);
      } catch (error) {
        this.options.logger.warn({ err: { message: (error as Error).message }, tenant: channel.tenant }, 'realtime stream query failed; will retry');
      } finally {
        channel.pumping = false;
        if (channel.clients.size === 0) this.channels.delete(`${channel.tenant}\n${channel.target}`);
      }
    })();
  }

  private async rowsAfter(channel: Channel, after: bigint): Promise<(EventRow & { delivery_id: string; message_id: string })[]> {
    return this.options.db
      .selectFrom('outbox.deliveries as d')
      .innerJoin('outbox.events as e', 'e.id', 'd.event_id')
      .selectAll('e')
      .select(sql<string>`d.id::text`.as('delivery_id'))
      .select('d.workflow_id as message_id')
      .where('d.tenant_id', '=', channel.tenant)
      .where('d.target_kind', '=', 'realtime')
      .where('d.outcome', '=', 'delivered')
      .where('d.target', '=', channel.target)
      .where(sql<boolean>`d.id > ${after.toString()}::bigint`)
      .orderBy('d.id')
      .limit(BATCH)
      .execute();
  }
}
