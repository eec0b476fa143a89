// The realtime target: /v1/stream server-sent events per tenant, with Last-Event-ID resume,
// against real PostgreSQL (LISTEN/NOTIFY, the delivery log) and the run's Temporal server.
import { connect as connectSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type EngineHttpServer } from '../src/engine/http-server.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { RealtimeStream } from '../src/realtime/realtime-stream.js';
import { signStreamToken } from '../src/realtime/stream-token.js';
import { addSubscription } from '../src/subscriptions/subscription-store.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, testLogger, type TestEngine } from './helpers/engine-harness.js';
import { openSse, type SseConnection } from './helpers/sse-client.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

const SECRET = 'realtime-test-secret-that-is-long-enough-1234567890';

describe('realtime stream (server-sent events)', () => {
  let engine: TestEngine;
  let stream: RealtimeStream;
  let http: EngineHttpServer;
  const open: SseConnection[] = [];
  const url = (tenant: string, token: string, extra = '') => `http://127.0.0.1:${http.address.port}/v1/stream?tenant=${tenant}&token=${token}${extra}`;
  const connect = async (tenant: string, token = signStreamToken(SECRET, tenant, 60_000), headers: Record<string, string> = {}) => {
    const connection = await openSse(url(tenant, token), headers);
    open.push(connection);
    return connection;
  };

  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'realtime' });
    stream = new RealtimeStream({ db: engine.database.db, connectionString: engine.database.url, secret: SECRET, allowedOrigins: [], logger: testLogger });
    await stream.start();
    http = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      checks: [],
      logger: testLogger,
      routes: { '/v1/stream': (req, res, u) => stream.handle(req, res, u) },
    });
    await addSubscription(engine.database.db, { name: 'browsers', tenant: '*', events: 'live.*', target: { kind: 'realtime', config: {} } });
  });
  afterAll(async () => {
    open.forEach((connection) => connection.close());
    await http?.close();
    await stream?.stop();
    await engine?.stop();
  });

  const publish = async (tenant: string, keys: string[]) => {
    for (const key of keys) await enqueue(engine.database.pool, { tenant, type: 'live.update', payload: { key }, idempotencyKey: key });
  };
  const keysOf = (connection: SseConnection) => connection.events.map((event) => (JSON.parse(event.data) as { idempotencyKey: string }).idempotencyKey);

  it('refuses a missing, foreign or expired token, naming what to do', async () => {
    expect((await connect('acme', 'v1.123.nope')).status).toBe(401);
    const foreign = await fetch(url('globex', signStreamToken(SECRET, 'acme', 60_000)));
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toEqual({ error: 'token is not valid for this tenant: get a token for this tenant (outbox realtime token --tenant globex)' });
    const expired = await fetch(url('acme', signStreamToken(SECRET, 'acme', -60_000)));
    expect(((await expired.json()) as { error: string }).error).toMatch(/^token expired/);
  });

  it("two tenants' browsers each see only their own events", async () => {
    const acme = await connect('acme');
    const globex = await connect('globex');
    expect([acme.status, globex.status]).toEqual([200, 200]);
    await publish('acme', ['acme-1', 'acme-2', 'acme-3']);
    await publish('globex', ['globex-1', 'globex-2']);
    await waitFor(() => acme.events.length === 3 && globex.events.length === 2, {
      what: 'each browser to get its events',
      describe: () => JSON.stringify([keysOf(acme), keysOf(globex)]),
    });
    expect(keysOf(acme).sort()).toEqual(['acme-1', 'acme-2', 'acme-3']);
    expect(keysOf(globex).sort()).toEqual(['globex-1', 'globex-2']);
    expect(acme.events.every((event) => event.event === 'live.update')).toBe(true);
  });

  it('a reconnect with Last-Event-ID misses nothing and repeats nothing', async () => {
    const first = await connect('resume');
    await publish('resume', ['r-1', 'r-2']);
    await waitFor(() => first.events.length === 2, { what: 'the first two events' });
    const lastSeen = first.events.at(-1)!.id!;
    first.close();

    await publish('resume', ['r-3', 'r-4', 'r-5']);
    await waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant: 'resume' })).delivered === 5, { what: 'five deliveries while away' });

    const again = await connect('resume', undefined, { 'last-event-id': lastSeen });
    await waitFor(() => again.events.length === 3, { what: 'the three missed events', describe: () => JSON.stringify(keysOf(again)) });
    expect(keysOf(again).sort()).toEqual(['r-3', 'r-4', 'r-5']);
    const ids = again.events.map((event) => BigInt(event.id!));
    expect(ids.every((id, i) => id > BigInt(lastSeen) && (i === 0 || id > ids[i - 1]!))).toBe(true);
    await publish('resume', ['r-6']);
    await waitFor(() => again.events.length === 4, { what: 'the live event after the replay' });
    expect(keysOf(again)).toContain('r-6');
  });

  it('cuts off a browser that never reads, while another on the same channel gets every event; refuses a Last-Event-ID beyond bigint', async () => {
    const small = new RealtimeStream({
      db: engine.database.db,
      connectionString: engine.database.url,
      secret: SECRET,
      allowedOrigins: [],
      logger: testLogger,
      stalledClientTimeoutMs: 2_000,
    });
    await small.start();
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      checks: [],
      logger: testLogger,
      routes: { '/v1/stream': (req, res, u) => small.handle(req, res, u) },
    });
    const token = signStreamToken(SECRET, 'slow', 60_000);
    const path = `/v1/stream?tenant=slow&token=${token}`;
    // A client that sends its request and then never reads a byte.
    const stuck = connectSocket(server.address.port, '127.0.0.1');
    const stuckClosed = new Promise<void>((resolve) => stuck.once('close', () => resolve()));
    stuck.on('error', () => undefined);
    stuck.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
    stuck.pause();
    const reader = await openSse(`http://127.0.0.1:${server.address.port}${path}`);
    try {
      await waitFor(() => small.clientCount() === 2, { what: 'both clients to be streaming' });
      // Enough to fill the kernel's loopback buffers too (several MB), so the engine's own write stalls.
      const big = 'x'.repeat(500_000);
      for (let i = 0; i < 40; i += 1)
        await enqueue(engine.database.pool, { tenant: 'slow', type: 'live.update', payload: { big, i }, idempotencyKey: `slow-${i}` });
      await waitFor(() => reader.events.length === 40, {
        what: 'the reading client to get all 40 events',
        timeoutMs: 90_000,
        describe: () => `${reader.events.length} events, ${small.clientCount()} clients`,
      });
      await waitFor(() => small.clientCount() === 1, { what: 'the client that never reads to be cut off', timeoutMs: 30_000 });
      stuck.resume();
      await stuckClosed;

      const beyond = await fetch(`http://127.0.0.1:${server.address.port}${path}&lastEventId=99999999999999999999`);
      expect(beyond.status).toBe(400);
      const tooBig = await fetch(`http://127.0.0.1:${server.address.port}${path}`, { headers: { 'last-event-id': '9999999999999999999' } });
      expect(tooBig.status).toBe(400);
      expect(((await tooBig.json()) as { error: string }).error).toMatch(/^Last-Event-ID .* must be the id of an event this stream sent/);
    } finally {
      reader.close();
      stuck.destroy();
      await server.close();
      await small.stop();
    }
  });

  it('answers 503 with the variable to set when no secret is configured', async () => {
    const off = new RealtimeStream({
      db: engine.database.db,
      connectionString: engine.database.url,
      secret: undefined,
      allowedOrigins: [],
      logger: testLogger,
    });
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      checks: [],
      logger: testLogger,
      routes: { '/v1/stream': (req, res, u) => off.handle(req, res, u) },
    });
    try {
      const response = await fetch(`http://127.0.0.1:${server.address.port}/v1/stream?tenant=acme`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'realtime streaming is off: set OUTBOX_REALTIME_SECRET on the engine' });
    } finally {
      await server.close();
    }
  });

  it('gives each tenant a share of the streams (issue 31): one tenant cannot take every slot', async () => {
    const small = new RealtimeStream({
      db: engine.database.db,
      connectionString: engine.database.url,
      secret: SECRET,
      allowedOrigins: [],
      logger: testLogger,
      maxClients: 10,
    });
    await small.start();
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      checks: [],
      logger: testLogger,
      routes: { '/v1/stream': (req, res, u) => small.handle(req, res, u) },
    });
    const streams: SseConnection[] = [];
    const openOn = (tenant: string) =>
      openSse(`http://127.0.0.1:${server.address.port}/v1/stream?tenant=${tenant}&token=${signStreamToken(SECRET, tenant, 60_000)}`);
    try {
      // A fifth of 10: two streams each.
      for (let index = 0; index < 2; index += 1) streams.push(await openOn('hog'));
      expect(streams.map((connection) => connection.status)).toEqual([200, 200]);
      const third = await fetch(`http://127.0.0.1:${server.address.port}/v1/stream?tenant=hog&token=${signStreamToken(SECRET, 'hog', 60_000)}`);
      expect(third.status).toBe(429);
      expect(((await third.json()) as { error: string }).error).toContain("its share of this engine's 10");
      const other = await openOn('polite');
      streams.push(other);
      expect(other.status).toBe(200);
    } finally {
      streams.forEach((connection) => connection.close());
      await server.close();
      await small.stop();
    }
  });
});
