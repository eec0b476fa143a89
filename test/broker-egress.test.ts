// Broker targets go through the address policy as HTTP targets do (issue 31, finding 1): a
// subscription naming a loopback, private or link-local broker is refused when saved, and every
// connection is checked again when it opens (the address the name resolves to then, which is
// the address connected to). Test traffic stays on loopback: the "internal service" is a
// counting TCP listener, and the tests prove no socket ever reached it.
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:net';
import { sql } from 'kysely';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../src/db/database.js';
import { AddressPolicy } from '../src/egress/address-policy.js';
import { DeliveryError } from '../src/failures/delivery-error.js';
import { DeliveryFailureType } from '../src/failures/failure-types.js';
import { addSubscription, InvalidSubscriptionError } from '../src/subscriptions/subscription-store.js';
import { TargetConnections } from '../src/targets/target-connections.js';
import { buildTargetMessage } from '../src/targets/target-message.js';
import { TARGET_KINDS } from '../src/targets/target-registry.js';
import { testLogger } from './helpers/engine-harness.js';
import { startKafkaBroker, type KafkaBroker } from './helpers/kafka-broker.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

/** A TCP listener on loopback that counts connections and says nothing. */
async function countingListener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, connections: () => connections };
}

/** A resolver the test controls (nothing leaves the machine). */
const resolver =
  (table: Record<string, string>) =>
  (hostname: string): Promise<LookupAddress[]> => {
    const address = table[hostname];
    return address ? Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]) : Promise.reject(new Error(`getaddrinfo ENOTFOUND ${hostname}`));
  };

const row = {
  id: '1',
  tenant_id: 'acme',
  event_type: 'order.created',
  idempotency_key: 'k-1',
  payload: { n: 1 },
  event_version: 1,
  aggregate_type: 'order',
  aggregate_id: '7',
  correlation_id: null,
  causation_id: null,
  created_at: new Date(),
} as unknown as EventRow;

/** Each broker kind's settings pointing at `host:port`. */
const brokerConfigs = (host: string, port: number): Record<string, Record<string, unknown>> => ({
  'redis-stream': { url: `redis://:hunter2@${host}:${port}/0`, stream: 'events' },
  nats: { url: `nats://${host}:${port}`, subject: 'events' },
  rabbitmq: { url: `amqp://guest:guest@${host}:${port}`, routingKey: 'events' },
  mqtt: { url: `mqtt://${host}:${port}`, topic: 'events' },
  kafka: { brokers: [`${host}:${port}`], topic: 'events', timeoutMs: 3_000 },
});

describe('broker targets and the address policy', () => {
  let database: TestDatabase;
  let listener: Awaited<ReturnType<typeof countingListener>>;
  beforeAll(async () => {
    [database, listener] = await Promise.all([createTestDatabase(), countingListener()]);
  });
  afterAll(async () => {
    listener?.server.close();
    await database?.drop();
  });

  const saved = async () =>
    (
      await database.db
        .selectFrom('outbox.subscriptions')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it.each(Object.keys(brokerConfigs('x', 1)))(
    'refuses a %s subscription to loopback, link-local or private addresses when saved, naming the field',
    async (kind) => {
      const before = await saved();
      for (const host of ['127.0.0.1', '169.254.169.254', '10.1.2.3', '[::1]', '[::127.0.0.1]']) {
        const error = await addSubscription(
          database.db,
          { tenant: 'acme', events: '*', target: { kind, config: brokerConfigs(host, 6379)[kind] } as never },
          { addressPolicy: AddressPolicy.strict },
        ).catch((caught: unknown) => caught);
        expect(error, `${kind} to ${host}`).toBeInstanceOf(InvalidSubscriptionError);
        const field = (error as InvalidSubscriptionError).issues[0]?.field;
        if (kind === 'kafka' && host.startsWith('[')) {
          // Kafka's host:port has no bracketed IPv6 form: its schema refuses it first.
          expect(field).toBe('target.config.brokers.0');
          continue;
        }
        expect(field).toBe(kind === 'kafka' ? 'target.config.brokers' : 'target.config.url');
        expect((error as Error).message).toMatch(/targets on internal networks are refused/);
        expect((error as Error).message).not.toContain('hunter2');
      }
      expect(await saved()).toBe(before);
      // An operator's subscription may reach an internal broker on purpose.
      await addSubscription(
        database.db,
        { tenant: '*', events: '*', target: { kind, config: { ...brokerConfigs('127.0.0.1', 6379)[kind], allowPrivateAddresses: true } } as never },
        { addressPolicy: AddressPolicy.strict },
      );
      expect(await saved()).toBe(before + 1);
    },
  );

  it.each(Object.keys(brokerConfigs('x', 1)))(
    'checks every %s connection when it opens: a name resolving to loopback, and an IP literal, never reach the listener',
    async (kind) => {
      const connections = new TargetConnections(testLogger, {
        policy: AddressPolicy.strict,
        resolve: resolver({ 'broker.partner.test': '127.0.0.1', 'metadata.partner.test': '169.254.169.254' }),
      });
      const http = new Agent();
      try {
        for (const host of ['broker.partner.test', '127.0.0.1', '[::127.0.0.1]']) {
          if (kind === 'kafka' && host.startsWith('[')) continue; // no bracketed IPv6 in Kafka's host:port
          const target = TARGET_KINDS[kind as keyof typeof TARGET_KINDS];
          const config = target.configSchema.parse(brokerConfigs(host, listener.port)[kind]);
          const error = await target
            .send(
              { http, httpAllowingPrivate: http, connections, signal: AbortSignal.timeout(8_000), secret: (value) => value },
              config as never,
              buildTargetMessage(row, 'outbox:test:acme:k-1'),
            )
            .catch((caught: unknown) => caught);
          expect(error, `${kind} to ${host}`).toBeInstanceOf(DeliveryError);
          expect((error as DeliveryError).failureType, `${kind} to ${host}: ${(error as Error).message}`).toBe(DeliveryFailureType.privateAddress);
          expect((error as DeliveryError).retryable).toBe(false);
          expect((error as Error).message).not.toContain('hunter2');
        }
        expect(listener.connections(), `${kind}: sockets that reached the internal listener`).toBe(0);
      } finally {
        await connections.close();
        await http.close();
      }
    },
  );

  describe('Kafka brokers named by cluster metadata', () => {
    let broker: KafkaBroker;
    beforeAll(async () => {
      broker = await startKafkaBroker(['events'], 1);
    });
    afterAll(async () => broker?.stop());

    it('checks the brokers the metadata advertises too, not only the bootstrap list', async () => {
      const port = Number(broker.address.split(':')[1]);
      // The operator allows the bootstrap name; the broker then advertises 127.0.0.1, which is not allowed.
      const connections = new TargetConnections(testLogger, {
        policy: AddressPolicy.parse('kafka-bootstrap.test'),
        resolve: resolver({ 'kafka-bootstrap.test': '127.0.0.1' }),
      });
      const http = new Agent();
      try {
        const config = TARGET_KINDS.kafka.configSchema.parse({ brokers: [`kafka-bootstrap.test:${port}`], topic: 'events', timeoutMs: 5_000 });
        const error = await TARGET_KINDS.kafka
          .send(
            { http, httpAllowingPrivate: http, connections, signal: AbortSignal.timeout(15_000), secret: (value) => value },
            config,
            buildTargetMessage(row, 'outbox:test:acme:k-1'),
          )
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(DeliveryError);
        expect((error as Error).message).toMatch(/127\.0\.0\.1 is a loopback address/);
      } finally {
        await connections.close();
        await http.close();
      }
    });
  });
});
