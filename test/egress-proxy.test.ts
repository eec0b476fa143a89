// A forward proxy for static egress (issue 34 §4): with OUTBOX_EGRESS_PROXY, HTTP deliveries go
// through a real HTTP CONNECT proxy (the npm `proxy` package) on loopback; the address policy
// still decides on the endpoint's resolved address, so the proxy cannot be used to reach a
// private range; a proxy outage is recorded as the proxy's failure and never marks the
// endpoint's breaker; an unreachable proxy stops the engine at start-up with one line.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { AddressPolicy } from '../src/egress/address-policy.js';
import { parseEgressProxy } from '../src/egress/egress-proxy.js';
import { createGuardedAgent } from '../src/egress/guarded-agent.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret, getSubscription } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, uniqueTaskQueue, type TestEngine } from './helpers/engine-harness.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('egress through a forward proxy', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  let proxyServer: Server;
  let proxyPort: number;
  const tunnels: string[] = [];

  const startProxy = async (port = 0) => {
    proxyServer = createProxy(createServer());
    proxyServer.on('connect', (request: { url?: string }) => tunnels.push(request.url ?? ''));
    await new Promise<void>((resolve) => proxyServer.listen(port, '127.0.0.1', resolve));
    proxyPort = (proxyServer.address() as AddressInfo).port;
  };
  const stopProxy = () =>
    new Promise<void>((resolve) => {
      proxyServer.closeAllConnections();
      proxyServer.close(() => resolve());
    });

  beforeAll(async () => {
    await startProxy();
    sink = await new WebhookSink().start();
    const proxy = parseEgressProxy(`http://127.0.0.1:${proxyPort}`, undefined);
    // The worker's pool as the engine builds it with OUTBOX_EGRESS_PROXY: loopback allowed (the sink), nothing else private.
    const http = createGuardedAgent({ policy: AddressPolicy.parse('loopback'), proxy });
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'proxy', http });
    await addSubscription(engine.database.db, {
      name: 'through-proxy',
      tenant: 'acme',
      events: 'order.*',
      target: { kind: 'webhook', config: { url: sink.url, secret: generateWebhookSecret() } },
      retryPolicy: { initialInterval: '1s', backoffCoefficient: 1, maximumAttempts: 100 },
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
    await stopProxy().catch(() => undefined);
  });

  const send = (key: string, type = 'order.paid') => enqueue(engine.database.pool, { tenant: 'acme', type, payload: { key }, idempotencyKey: key });

  it('delivers through the proxy, tunnelling to the address it checked', async () => {
    for (let n = 0; n < 3; n++) await send(`via-${n}`);
    await waitFor(() => (sink.requests.filter((request) => request.id.startsWith('via-')).length >= 3 ? true : undefined), { what: 'three deliveries' });
    const { port } = new URL(sink.url);
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels)).toEqual(new Set([`127.0.0.1:${port}`]));
  });

  it('still refuses a private address behind the proxy, before any tunnel is asked for', async () => {
    // Saved when its name was public (simulated: saved without the check); it now points inside.
    await addSubscription(
      engine.database.db,
      {
        name: 'now-internal',
        tenant: 'acme',
        events: 'audit.*',
        target: { kind: 'webhook', config: { url: 'http://10.20.30.40:8080/admin', secret: generateWebhookSecret() } },
        retryPolicy: { maximumAttempts: 1 },
      },
      { addressPolicy: AddressPolicy.unrestricted },
    );
    const before = tunnels.length;
    await send('internal-1', 'audit.logged');
    const attempt = await waitFor(
      async () =>
        (
          await engine.database.pool.query<{ error: string }>(
            "SELECT error FROM outbox.deliveries d JOIN outbox.subscriptions s ON s.id = d.subscription_id WHERE s.name = 'now-internal'",
          )
        ).rows[0],
      { what: 'the refused attempt' },
    );
    expect(attempt.error).toMatch(/10\.20\.30\.40.*(private|not allowed|refused)/i);
    expect(tunnels.slice(before)).toEqual([]);
  });

  it("records a proxy outage as the proxy's failure, leaves the endpoint's breaker alone, and delivers once it is back", async () => {
    const port = proxyPort;
    await stopProxy();
    await send('outage-1');
    const failed = await waitFor(
      async () =>
        (
          await engine.database.pool.query<{ error: string; outcome: string }>(
            "SELECT d.error, d.outcome FROM outbox.deliveries d JOIN outbox.events e ON e.id = d.event_id WHERE e.idempotency_key = 'outage-1' ORDER BY d.id",
          )
        ).rows[0],
      { what: 'a failed attempt during the outage' },
    );
    expect(failed).toEqual({
      outcome: 'retryable_failure',
      error: expect.stringMatching(new RegExp(`^egress proxy http://127\\.0\\.0\\.1:${port} is unreachable: ECONNREFUSED`)) as unknown,
    });
    const breaker = await engine.database.pool.query<{ consecutive_failures: number }>(
      'SELECT consecutive_failures FROM outbox.circuit_breakers WHERE consecutive_failures > 0',
    );
    expect(breaker.rows).toEqual([]);
    expect((await getSubscription(engine.database.db, 'through-proxy'))?.enabled).toBe(true);

    await startProxy(port);
    await waitFor(() => sink.requests.find((request) => request.id === 'outage-1'), { what: 'the delivery once the proxy is back', timeoutMs: 60_000 });
  });

  it('stops the engine at start-up when the proxy cannot be reached, naming the variable', async () => {
    const database = await createTestDatabase();
    try {
      const { code, stderr } = await runCli(['start'], {
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('proxy'),
        OUTBOX_HTTP_PORT: '0',
        OUTBOX_EGRESS_PROXY: 'http://127.0.0.1:1',
      });
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/OUTBOX_EGRESS_PROXY=http:\/\/127\.0\.0\.1:1 is unreachable \(ECONNREFUSED\): start the proxy, or unset the variable/);
    } finally {
      await database.drop();
    }
  });

  it.each([
    ['socks5://127.0.0.1:1080', /SOCKS proxies are not supported/],
    ['proxy.internal:3128', /must be an http:\/\/ proxy URL/],
    ['http://user:hunter2@proxy.internal:3128/path', /without a path/],
  ])('refuses OUTBOX_EGRESS_PROXY=%s naming the variable, never echoing a password', (value, message) => {
    let thrown: Error | undefined;
    try {
      loadConfig({ DATABASE_URL: 'postgres://localhost/x', OUTBOX_EGRESS_PROXY: value });
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toMatch(/^Invalid environment variable OUTBOX_EGRESS_PROXY=\(value hidden: it is a secret\)/);
    expect(thrown?.message).toMatch(message);
    expect(thrown?.message).not.toContain('hunter2');
  });
});
