// SSRF protection: HTTP targets on loopback, private, link-local, unique-local or multicast
// addresses are refused when the subscription is saved and again at every connection (DNS
// rebinding), redirects are never followed, and an explicit allowlist opens exactly what it
// names. Test traffic only ever goes to loopback: the "internal" addresses here are refused
// before any socket is opened, which the tests check by counting connection attempts.
import { createServer, type Server } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { sql } from 'kysely';
import { Agent, buildConnector, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../src/failures/delivery-error.js';
import { webhookTarget } from '../src/targets/webhook/webhook-target.js';
import { TargetConnections } from '../src/targets/target-connections.js';
import { buildTargetMessage } from '../src/targets/target-message.js';
import type { EventRow } from '../src/db/database.js';
import { AddressPolicy, PrivateAddressError } from '../src/egress/address-policy.js';
import { createGuardedAgent } from '../src/egress/guarded-agent.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret, InvalidSubscriptionError } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, testLogger, type TestEngine } from './helpers/engine-harness.js';
import { runCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

/** A resolver the test controls: name → addresses (nothing leaves the machine). */
function fakeResolver(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return { resolve, asked, table };
}

/** A TCP listener on loopback that counts connections (the "internal service" to protect). */
async function countingListener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, connections: () => connections };
}

const eventRow = (id: string) =>
  ({
    id,
    tenant_id: 't',
    event_type: 'order.created',
    idempotency_key: `k-${id}`,
    payload: { n: 1 },
    event_version: 1,
    aggregate_type: null,
    aggregate_id: null,
    correlation_id: null,
    causation_id: null,
    created_at: new Date(),
  }) as unknown as EventRow;

describe('webhook URL safety (SSRF)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  const subscriptions = async () =>
    (
      await database.db
        .selectFrom('outbox.subscriptions')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it.each([
    ['http://127.0.0.1:9000/hook', /127\.0\.0\.1 is a loopback address/],
    ['http://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a link-local \(cloud metadata lives here\) address/],
    ['http://[::1]:8080/hook', /::1 is a loopback address/],
    ['http://[fd12::1]/hook', /fd12::1 is a unique-local address/],
    ['http://[::ffff:10.0.0.1]/hook', /10\.0\.0\.1 is a private address/],
    ['http://224.0.0.1/hook', /224\.0\.0\.1 is a multicast address/],
    ['http://0.0.0.0:80/hook', /0\.0\.0\.0 is a unspecified/],
    ['http://2130706433/hook', /127\.0\.0\.1 is a loopback address/],
  ])('a subscription to %s is refused with a clear message, and nothing is saved', async (url, reason) => {
    const error = await addSubscription(
      database.db,
      { name: 'internal', events: '*', target: { kind: 'webhook', config: { url, secret: generateWebhookSecret() } } },
      { addressPolicy: AddressPolicy.strict },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidSubscriptionError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain('OUTBOX_ALLOW_PRIVATE_TARGETS');
    expect((error as InvalidSubscriptionError).issues[0]?.field).toBe('target.config.url');
    expect(await subscriptions()).toBe(0);
  });

  it('a host name that resolves to a private address is refused; one that resolves to a public address is saved', async () => {
    const dns = fakeResolver({ 'hooks.intranet.test': ['93.184.216.34', '10.20.30.40'], 'hooks.partner.test': ['93.184.216.34'] });
    const check = { addressPolicy: AddressPolicy.strict, resolve: dns.resolve };
    const secret = generateWebhookSecret();
    await expect(
      addSubscription(
        database.db,
        { name: 'intranet', events: '*', target: { kind: 'webhook', config: { url: 'https://hooks.intranet.test/x', secret } } },
        check,
      ),
    ).rejects.toThrow(/hooks\.intranet\.test resolves to 10\.20\.30\.40, which is a private address/);
    await addSubscription(
      database.db,
      { name: 'partner', events: '*', target: { kind: 'webhook', config: { url: 'https://hooks.partner.test/x', secret } } },
      check,
    );
    expect(dns.asked).toEqual(['hooks.intranet.test', 'hooks.partner.test']);
    await database.db.deleteFrom('outbox.subscriptions').execute();
  });

  it('the allowlist opens exactly what it names; allowPrivateAddresses opens one subscription', async () => {
    const policy = AddressPolicy.parse('loopback, 10.1.0.0/16, erp.internal');
    expect(policy.refusal('127.0.0.1', '127.0.0.1')).toBeUndefined();
    expect(policy.refusal('::1', '::1')).toBeUndefined();
    expect(policy.refusal('10.1.2.3', '10.1.2.3')).toBeUndefined();
    expect(policy.refusal('10.2.0.1', '10.2.0.1')).toBeInstanceOf(PrivateAddressError);
    expect(policy.refusal('erp.internal', '10.9.9.9')).toBeUndefined();
    expect(policy.refusal('other.internal', '169.254.169.254')).toBeInstanceOf(PrivateAddressError);
    expect(() => AddressPolicy.parse('10.0.0.0/99')).toThrow(/"10\.0\.0\.0\/99" is not a CIDR range/);

    await addSubscription(
      database.db,
      {
        name: 'trusted-internal',
        events: '*',
        target: { kind: 'webhook', config: { url: 'http://10.0.0.1/hook', secret: generateWebhookSecret(), allowPrivateAddresses: true } },
      },
      { addressPolicy: AddressPolicy.strict },
    );
    expect(await subscriptions()).toBe(1);
    await database.db.deleteFrom('outbox.subscriptions').execute();
  });

  it('the CLI refuses an internal URL naming the flag, and OUTBOX_ALLOW_PRIVATE_TARGETS is validated', async () => {
    const refused = await runCli(['subscriptions', 'add', '--events', '*', '--webhook', 'http://169.254.169.254/latest'], {
      DATABASE_URL: database.url,
      OUTBOX_ALLOW_PRIVATE_TARGETS: '',
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--webhook:? 169\.254\.169\.254 is a link-local/);
    expect(refused.stderr).toContain('--allow-private-address');
    const bad = await runCli(['status'], { DATABASE_URL: database.url, OUTBOX_ALLOW_PRIVATE_TARGETS: 'loopback,10.0.0.0/40' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/OUTBOX_ALLOW_PRIVATE_TARGETS=.*is not a CIDR range/);
    // Broker targets go through the same policy: refused without the flag, saved with it.
    const broker = await runCli(['subscriptions', 'add', '--events', '*', '--redis', 'redis://127.0.0.1:6379', '--stream', 's'], {
      DATABASE_URL: database.url,
      OUTBOX_ALLOW_PRIVATE_TARGETS: '',
    });
    expect(broker.code).not.toBe(0);
    expect(broker.stderr).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(broker.stderr).toContain('--allow-private-address');
    expect(await subscriptions()).toBe(0);
    const allowed = await runCli(['subscriptions', 'add', '--events', '*', '--redis', 'redis://127.0.0.1:6379', '--stream', 's', '--allow-private-address'], {
      DATABASE_URL: database.url,
      OUTBOX_ALLOW_PRIVATE_TARGETS: '',
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(await subscriptions()).toBe(1);
    await database.db.deleteFrom('outbox.subscriptions').execute();
  });

  it('at connect time: IP literals and names resolving to internal addresses (DNS rebinding) are refused before any socket opens', async () => {
    const internal = await countingListener();
    const dns = fakeResolver({ 'rebinding.test': ['127.0.0.1'], 'localhost.test': ['::1', '127.0.0.1'] });
    const strict = createGuardedAgent({ policy: AddressPolicy.strict, resolve: dns.resolve });
    const loopbackAllowed = createGuardedAgent({ policy: AddressPolicy.parse('loopback'), resolve: dns.resolve });
    try {
      for (const url of [`http://127.0.0.1:${internal.port}/`, `http://rebinding.test:${internal.port}/`, `http://localhost.test:${internal.port}/`]) {
        const error = await request(url, { dispatcher: strict }).catch((caught: unknown) => caught);
        expect(error, url).toBeInstanceOf(PrivateAddressError);
      }
      expect(internal.connections()).toBe(0);
      const allowed = await request(`http://rebinding.test:${internal.port}/`, { dispatcher: loopbackAllowed });
      expect(allowed.statusCode).toBe(200);
      await allowed.body.dump();
      expect(internal.connections()).toBe(1);
    } finally {
      await strict.close();
      await loopbackAllowed.close();
      internal.server.close();
    }
  });

  it('a loopback endpoint allowed for its subscription that redirects to 10.0.0.1 is refused at the redirect, with no connection to 10.0.0.1', async () => {
    const sink = await new WebhookSink().start();
    sink.responder = () => ({ status: 302, headers: { location: 'http://10.0.0.1/steal?token=abc' } });
    // Records every host the pool connects to, so the test can prove 10.0.0.1 was never tried.
    const connectedTo: string[] = [];
    const connect = buildConnector({});
    const http = new Agent({
      connect: (options, callback) => {
        connectedTo.push(options.hostname);
        connect(options, callback);
      },
    });
    const connections = new TargetConnections(testLogger);
    try {
      const config = webhookTarget.configSchema.parse({ url: sink.url, secret: generateWebhookSecret(), allowPrivateAddresses: true });
      const context = {
        http: createGuardedAgent({ policy: AddressPolicy.strict }),
        httpAllowingPrivate: http,
        connections,
        signal: AbortSignal.timeout(10_000),
        secret: (value: string) => value,
      };
      const error = await webhookTarget.send(context, config, buildTargetMessage(eventRow('1'), 'outbox:egress:acme:1')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).retryable).toBe(false);
      expect((error as Error).message).toMatch(/HTTP 302 redirecting to http:\/\/10\.0\.0\.1\/steal\?…; redirects are not followed/);
      expect((error as Error).message).not.toContain('token=abc');
      expect(sink.requests).toHaveLength(1);
      expect(connectedTo).toEqual(['127.0.0.1']);
    } finally {
      await http.close();
      await connections.close();
      await sink.stop();
    }
  });
});

describe('SSRF refusal through the engine', () => {
  let engine: TestEngine;
  let sink: WebhookSink;
  const dns = fakeResolver({ 'hooks.partner.test': ['93.184.216.34'] });
  beforeAll(async () => {
    sink = await new WebhookSink().start();
    // The worker's pool refuses private addresses and asks the test's resolver.
    engine = await startTestEngine(() => createTestDatabase(), {
      prefix: 'egress',
      http: createGuardedAgent({ policy: AddressPolicy.strict, resolve: dns.resolve }),
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.stop();
  });

  it('a name that resolved to a public address when saved and to loopback at delivery is refused at connect time and dead-lettered after one attempt (not retried), and the sink sees nothing', async () => {
    const port = new URL(sink.url).port;
    await addSubscription(
      engine.database.db,
      {
        name: 'partner',
        events: '*',
        target: { kind: 'webhook', config: { url: `http://hooks.partner.test:${port}/hook`, secret: generateWebhookSecret() } },
        retryPolicy: { maximumAttempts: 10, initialInterval: '100ms' },
      },
      { addressPolicy: AddressPolicy.strict, resolve: dns.resolve },
    );
    // DNS rebinding: the record now points at the machine itself.
    dns.table['hooks.partner.test'] = ['127.0.0.1'];
    await enqueue(engine.database.pool, { tenant: 'acme', type: 'order.created', payload: { n: 1 }, idempotencyKey: 'rebind-1' });
    const deadLetter = await waitFor(async () => engine.database.db.selectFrom('outbox.dead_letters').select(['attempts', 'last_error']).executeTakeFirst(), {
      what: 'the dead letter of the refused delivery',
    });
    expect(deadLetter.attempts).toBe(1);
    expect(deadLetter.last_error).toMatch(/hooks\.partner\.test resolves to 127\.0\.0\.1, which is a loopback address/);
    const deliveries = await engine.database.db.selectFrom('outbox.deliveries').select(['outcome', 'error']).execute();
    expect(deliveries).toEqual([{ outcome: 'permanent_failure', error: expect.stringContaining('loopback address') as string }]);
    expect(sink.requests).toHaveLength(0);
    const status = await engine.handle('acme', 'rebind-1').query<{ status: string }>('status');
    expect(status.status).toBe('DeadLettered');
  });
});
