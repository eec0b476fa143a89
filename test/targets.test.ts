// Every target kind against the real service on this machine (Redis, NATS JetStream, RabbitMQ,
// Mosquitto), loopback HTTP servers for the Slack and n8n shapes, and a kfake Kafka-protocol
// broker; outages are made with a loopback TCP proxy in front of the real service.
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { connectAsync } from 'mqtt';
import { connect as connectNats, StringCodec } from 'nats';
import { pino } from 'pino';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../src/egress/address-policy.js';
import { TargetConnections } from '../src/targets/target-connections.js';
import type { TargetKind } from '../src/targets/target-kind.js';
import { TARGET_KINDS } from '../src/targets/target-registry.js';
import { buildTargetMessage } from '../src/targets/target-message.js';
import type { EventRow } from '../src/db/database.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { resolveSecret } from '../src/targets/secret-reference.js';
import { addSubscription } from '../src/subscriptions/subscription-store.js';
import type { NewSubscription } from '../src/subscriptions/subscription-schema.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { startKafkaBroker, type KafkaBroker } from './helpers/kafka-broker.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

const run = randomBytes(4).toString('hex');
const quiet = pino({ level: 'silent' });

describe('targets', () => {
  let engine: TestEngine;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'targets' });
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await engine?.stop();
  });

  const subscribe = (tenant: string, target: NewSubscription['target'], retryPolicy: NewSubscription['retryPolicy'] = {}) =>
    addSubscription(engine.database.db, { name: `${tenant}-sub`, tenant, events: '*', target, retryPolicy });
  const event = (tenant: string, key: string, payload: unknown = { key }, extra: { aggregateId?: string } = {}) =>
    enqueue(engine.database.pool, { tenant, type: 'order.created', payload, idempotencyKey: key, aggregateType: 'order', ...extra });
  const delivered = (tenant: string, count = 1) =>
    waitFor(async () => (await countEventsByStatus(engine.database.db, { tenant })).delivered === count, { what: `${count} ${tenant} event(s) delivered` });
  const firstAttemptFailed = (tenant: string) =>
    waitFor(
      async () =>
        (
          await engine.database.db
            .selectFrom('outbox.deliveries')
            .select('id')
            .where('tenant_id', '=', tenant)
            .where('outcome', '=', 'retryable_failure')
            .execute()
        ).length > 0,
      { what: `a failed ${tenant} attempt during the outage` },
    );

  /** Sends one event through a kind twice, as an activity retry after a lost reply would. */
  async function sendTwice(kind: TargetKind, config: unknown, tenant: string, key: string): Promise<void> {
    const connections = new TargetConnections(quiet, { policy: AddressPolicy.parse(process.env.OUTBOX_ALLOW_PRIVATE_TARGETS) });
    const http = new Agent();
    const row = {
      id: '999999',
      tenant_id: tenant,
      idempotency_key: key,
      event_type: 'order.created',
      event_version: 1,
      payload: { key },
      aggregate_type: 'order',
      aggregate_id: '7',
      correlation_id: null,
      causation_id: null,
      created_at: new Date(),
    } as unknown as EventRow;
    try {
      const parsed = kind.configSchema.parse(config);
      for (let i = 0; i < 2; i += 1) {
        await kind.send(
          { http, httpAllowingPrivate: http, connections, signal: AbortSignal.timeout(10_000), secret: (value) => resolveSecret(value, process.env) },
          parsed,
          buildTargetMessage(row, engine.database.workflowId(tenant, key)),
        );
      }
    } finally {
      await connections.close();
      await http.close();
    }
  }

  describe("slack (loopback HTTP server in Slack's shape)", () => {
    it('posts a readable message from the template, honouring 429 Retry-After', async () => {
      const sink = await new WebhookSink().start();
      cleanups.push(() => sink.stop());
      sink.responder = (_, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' } : { status: 200, body: 'ok' });
      process.env[`OUTBOX_SECRET_SLACK_URL_${run}`] = `${sink.url.replace('/hook', '')}/services/T000/B000/secretpart`;
      await subscribe('slack', {
        kind: 'slack',
        config: { url: `env:OUTBOX_SECRET_SLACK_URL_${run}`, template: 'New order *{{data.orderId}}* for {{tenant}} ({{type}})' },
      });
      await event('slack', 'slack-1', { orderId: '<42>' });
      await delivered('slack');
      expect(sink.requests).toHaveLength(2);
      expect(sink.requests[1]!.receivedAt - sink.requests[0]!.receivedAt).toBeGreaterThanOrEqual(950);
      const body = JSON.parse(sink.requests[1]!.body) as { text: string; blocks: { text: { text: string } }[] };
      // Values are escaped for Slack's mrkdwn; the template's own markup is kept.
      expect(body.text).toBe('New order *&lt;42&gt;* for slack (order.created)');
      expect(body.blocks[0]?.text.text).toBe(body.text);
      const [subscription] = await engine.database.db.selectFrom('outbox.deliveries').select('target').where('tenant_id', '=', 'slack').execute();
      expect(subscription?.target).toBe(`slack env:OUTBOX_SECRET_SLACK_URL_${run}`);
    });
  });

  describe("n8n (loopback HTTP server in n8n's shape)", () => {
    it('sends X-Event-Type, X-Idempotency-Key and basic auth from an env: secret', async () => {
      const sink = await new WebhookSink().start();
      cleanups.push(() => sink.stop());
      process.env[`OUTBOX_SECRET_N8N_PASSWORD_${run}`] = 'n8n-pass';
      await subscribe('n8n', {
        kind: 'n8n',
        config: { url: sink.url, auth: { type: 'basic', username: 'outbox', password: `env:OUTBOX_SECRET_N8N_PASSWORD_${run}` } },
      });
      await event('n8n', 'n8n-1');
      await delivered('n8n');
      const [request] = sink.requests;
      expect(request?.headers['x-event-type']).toBe('order.created');
      expect(request?.headers['x-idempotency-key']).toBe(engine.database.workflowId('n8n', 'n8n-1'));
      expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('outbox:n8n-pass').toString('base64')}`);
      expect(JSON.parse(request!.body)).toMatchObject({
        type: 'order.created',
        id: engine.database.workflowId('n8n', 'n8n-1'),
        idempotencyKey: 'n8n-1',
        data: { key: 'n8n-1' },
      });
    });

    it('fails for good, without retrying, when an env: secret is missing on the worker', async () => {
      const sink = await new WebhookSink().start();
      cleanups.push(() => sink.stop());
      await subscribe('n8n-missing', {
        kind: 'n8n',
        config: { url: sink.url, auth: { type: 'header', name: 'X-Token', value: `env:OUTBOX_SECRET_NOT_SET_${run}` } },
      });
      const eventId = await event('n8n-missing', 'missing-1');
      const deadLetter = await waitFor(
        () => engine.database.db.selectFrom('outbox.dead_letters').select(['last_error', 'attempts']).where('event_id', '=', eventId).executeTakeFirst(),
        { what: 'a dead letter for the missing secret' },
      );
      expect(deadLetter).toEqual({
        attempts: 1,
        last_error: `environment variable OUTBOX_SECRET_NOT_SET_${run} (referenced as env:OUTBOX_SECRET_NOT_SET_${run}) is not set on this worker; set it and retry`,
      });
      expect(sink.requests).toHaveLength(0);
    });

    it("refuses env: references to the worker's own variables (DATABASE_URL), sending nothing; an allowlisted name is read", async () => {
      const sink = await new WebhookSink().start();
      cleanups.push(() => sink.stop());
      process.env.DATABASE_URL ??= 'postgres://must-never-leave@127.0.0.1/db';
      await subscribe('n8n-leak', { kind: 'n8n', config: { url: sink.url, auth: { type: 'header', name: 'X-Token', value: 'env:DATABASE_URL' } } });
      const eventId = await event('n8n-leak', 'leak-1');
      const deadLetter = await waitFor(
        () => engine.database.db.selectFrom('outbox.dead_letters').select('last_error').where('event_id', '=', eventId).executeTakeFirst(),
        { what: 'a dead letter for the refused reference' },
      );
      expect(deadLetter.last_error).toBe(
        'env:DATABASE_URL is not a secret this worker hands out: name the variable OUTBOX_SECRET_…, or list it in OUTBOX_SECRET_ENV_ALLOWLIST on the worker, then retry',
      );
      expect(sink.requests).toHaveLength(0);

      process.env[`LEGACY_TOKEN_${run}`] = 'allowed-token';
      process.env.OUTBOX_SECRET_ENV_ALLOWLIST = `SOMETHING_ELSE, LEGACY_TOKEN_${run}`;
      try {
        await subscribe('n8n-allowed', { kind: 'n8n', config: { url: sink.url, auth: { type: 'header', name: 'X-Token', value: `env:LEGACY_TOKEN_${run}` } } });
        await event('n8n-allowed', 'allowed-1');
        await delivered('n8n-allowed');
        expect(sink.requests.map((request) => request.headers['x-token'])).toEqual(['allowed-token']);
      } finally {
        delete process.env.OUTBOX_SECRET_ENV_ALLOWLIST;
      }
    });
  });

  describe('redis-stream (real Redis)', () => {
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
    beforeAll(() => redis.connect());
    afterAll(() => redis.quit());

    it('XADDs an entry with the idempotency key, type, tenant and JSON payload, trimming with MAXLEN', async () => {
      const stream = `outbox-test:${run}:{tenant}`;
      await subscribe('rs', { kind: 'redis-stream', config: { url: 'redis://127.0.0.1:6379', stream, maxLen: 1000 } });
      await event('rs', 'rs-1');
      await delivered('rs');
      const entries = await redis.xrange(`outbox-test:${run}:rs`, '-', '+');
      expect(entries).toHaveLength(1);
      const flat = entries[0]![1];
      const fields: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
      expect(fields).toMatchObject({ id: engine.database.workflowId('rs', 'rs-1'), type: 'order.created', tenant: 'rs' });
      expect(JSON.parse(fields.payload!)).toMatchObject({ id: engine.database.workflowId('rs', 'rs-1'), data: { key: 'rs-1' } });
    });

    it('the same event sent twice (as an activity retry would) is added once', async () => {
      const stream = `outbox-test:${run}:twice`;
      await sendTwice(TARGET_KINDS['redis-stream'], { url: 'redis://127.0.0.1:6379', stream }, 'rs', 'twice-1');
      expect(await redis.xlen(stream)).toBe(1);
    });

    it('delivers after Redis comes back (outage through a TCP proxy)', async () => {
      const proxy = await new TcpProxy('127.0.0.1', 6379).up();
      cleanups.push(() => proxy.down());
      await proxy.down();
      await subscribe(
        'rs-outage',
        { kind: 'redis-stream', config: { url: `redis://127.0.0.1:${proxy.port}`, stream: `outbox-test:${run}:outage` } },
        { initialInterval: '1s', backoffCoefficient: 1 },
      );
      await event('rs-outage', 'outage-1');
      await firstAttemptFailed('rs-outage');
      await proxy.up();
      await delivered('rs-outage');
      expect(await redis.xlen(`outbox-test:${run}:outage`)).toBe(1);
    });
  });

  describe('nats (real NATS JetStream)', () => {
    const subjectRoot = `outboxtest.${run}`;
    const streamName = `OUTBOX_TEST_${run}`;
    const codec = StringCodec();
    let nats: Awaited<ReturnType<typeof connectNats>>;
    beforeAll(async () => {
      nats = await connectNats({ servers: 'nats://127.0.0.1:4222' });
      await (await nats.jetstreamManager()).streams.add({ name: streamName, subjects: [`${subjectRoot}.>`], duplicate_window: 60_000_000_000 });
    });
    afterAll(async () => {
      await (await nats.jetstreamManager()).streams.delete(streamName).catch(() => undefined);
      await nats.close();
    });
    const messages = async () => (await (await nats.jetstreamManager()).streams.info(streamName)).state.messages;

    it('publishes to JetStream with Nats-Msg-Id = the message id (installation, tenant, key) and waits for the ack', async () => {
      await subscribe('nats', { kind: 'nats', config: { url: 'nats://127.0.0.1:4222', subject: `${subjectRoot}.{tenant}.{type}` } });
      await event('nats', 'nats-1');
      await delivered('nats');
      const stored = await (await nats.jetstreamManager()).streams.getMessage(streamName, { last_by_subj: `${subjectRoot}.nats.order.created` });
      expect(stored.header.get('Nats-Msg-Id')).toBe(engine.database.workflowId('nats', 'nats-1'));
      expect(stored.header.get('Outbox-Event-Type')).toBe('order.created');
      expect(JSON.parse(codec.decode(stored.data))).toMatchObject({ id: engine.database.workflowId('nats', 'nats-1'), tenant: 'nats' });
    });

    it('the same event published twice is stored once (server-side dedupe window)', async () => {
      const before = await messages();
      await sendTwice(TARGET_KINDS.nats, { url: 'nats://127.0.0.1:4222', subject: `${subjectRoot}.twice` }, 'nats', 'nats-twice');
      expect(await messages()).toBe(before + 1);
    });

    it('delivers after NATS comes back (outage through a TCP proxy)', async () => {
      const proxy = await new TcpProxy('127.0.0.1', 4222).up();
      cleanups.push(() => proxy.down());
      await proxy.down();
      await subscribe(
        'nats-outage',
        { kind: 'nats', config: { url: `nats://127.0.0.1:${proxy.port}`, subject: `${subjectRoot}.outage`, timeoutMs: 2000 } },
        { initialInterval: '1s', backoffCoefficient: 1 },
      );
      await event('nats-outage', 'nats-outage-1');
      await firstAttemptFailed('nats-outage');
      await proxy.up();
      await delivered('nats-outage');
      const stored = await (await nats.jetstreamManager()).streams.getMessage(streamName, { last_by_subj: `${subjectRoot}.outage` });
      expect(stored.header.get('Nats-Msg-Id')).toBe(engine.database.workflowId('nats-outage', 'nats-outage-1'));
    });
  });

  describe('rabbitmq (real RabbitMQ)', () => {
    const exchange = `outbox-test-${run}`;
    let connection: amqp.ChannelModel;
    let channel: amqp.Channel;
    let queue: string;
    const received: amqp.ConsumeMessage[] = [];
    beforeAll(async () => {
      connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
      channel = await connection.createChannel();
      await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });
      queue = (await channel.assertQueue('', { exclusive: true })).queue;
      await channel.bindQueue(queue, exchange, 'order.#');
      await channel.consume(queue, (msg) => msg && received.push(msg), { noAck: true });
    });
    afterAll(() => connection.close());

    it('publishes a persistent message with message_id = the idempotency key, confirmed by the broker', async () => {
      await subscribe('amqp', { kind: 'rabbitmq', config: { url: 'amqp://guest:guest@127.0.0.1:5672', exchange } });
      await event('amqp', 'amqp-1');
      await delivered('amqp');
      const message = await waitFor(() => received.find((msg) => msg.properties.messageId === engine.database.workflowId('amqp', 'amqp-1')), {
        what: 'the message at the queue',
      });
      expect(message.properties).toMatchObject({ deliveryMode: 2, type: 'order.created', contentType: 'application/json', headers: { 'x-tenant': 'amqp' } });
      expect(message.fields.routingKey).toBe('order.created');
      expect(JSON.parse(message.content.toString())).toMatchObject({ id: engine.database.workflowId('amqp', 'amqp-1'), idempotencyKey: 'amqp-1' });
    });

    it('an unroutable message is not confirmed as delivered: retried, then dead-lettered with the reason', async () => {
      await subscribe(
        'amqp-unroutable',
        { kind: 'rabbitmq', config: { url: 'amqp://guest:guest@127.0.0.1:5672', exchange, routingKey: 'nobody.listens' } },
        { maximumAttempts: 2, initialInterval: '1s' },
      );
      const eventId = await event('amqp-unroutable', 'unroutable-1');
      const deadLetter = await waitFor(
        () => engine.database.db.selectFrom('outbox.dead_letters').select(['last_error', 'attempts']).where('event_id', '=', eventId).executeTakeFirst(),
        {
          what: 'a dead letter for the unroutable message',
        },
      );
      expect(deadLetter).toEqual({
        attempts: 2,
        last_error: `no queue is bound to exchange "${exchange}" for routing key nobody.listens; bind one, the delivery will be retried`,
      });
    });

    it('delivers after RabbitMQ comes back (outage through a TCP proxy)', async () => {
      const proxy = await new TcpProxy('127.0.0.1', 5672).up();
      cleanups.push(() => proxy.down());
      const url = `amqp://guest:guest@127.0.0.1:${proxy.port}`;
      await subscribe('amqp-outage', { kind: 'rabbitmq', config: { url, exchange, timeoutMs: 3000 } }, { initialInterval: '1s', backoffCoefficient: 1 });
      await event('amqp-outage', 'amqp-outage-0');
      await delivered('amqp-outage');
      await proxy.down();
      await event('amqp-outage', 'amqp-outage-1');
      await firstAttemptFailed('amqp-outage');
      await proxy.up();
      await delivered('amqp-outage', 2);
      await waitFor(() => received.some((msg) => msg.properties.messageId === engine.database.workflowId('amqp-outage', 'amqp-outage-1')), {
        what: 'the message after recovery',
      });
    });
  });

  describe('mqtt (real Mosquitto)', () => {
    it('publishes at QoS 1 to the topic template', async () => {
      const subscriber = await connectAsync('mqtt://127.0.0.1:1883');
      cleanups.push(() => subscriber.endAsync());
      const received: { topic: string; body: string; qos: number }[] = [];
      subscriber.on('message', (topic, payload, packet) => received.push({ topic, body: payload.toString(), qos: packet.qos }));
      await subscriber.subscribeAsync(`outbox-test/${run}/#`, { qos: 1 });
      await subscribe('mqtt', { kind: 'mqtt', config: { url: 'mqtt://127.0.0.1:1883', topic: `outbox-test/${run}/{tenant}/{type}` } });
      await event('mqtt', 'mqtt-1');
      await delivered('mqtt');
      const message = await waitFor(() => received.find((m) => m.topic === `outbox-test/${run}/mqtt/order.created`), { what: 'the MQTT message' });
      expect(message.qos).toBe(1);
      expect(JSON.parse(message.body)).toMatchObject({ id: engine.database.workflowId('mqtt', 'mqtt-1') });
    });

    it('delivers after Mosquitto comes back (outage through a TCP proxy)', async () => {
      const subscriber = await connectAsync('mqtt://127.0.0.1:1883');
      cleanups.push(() => subscriber.endAsync());
      const received: string[] = [];
      subscriber.on('message', (_, payload) => received.push((JSON.parse(payload.toString()) as { id: string }).id));
      await subscriber.subscribeAsync(`outbox-test/${run}/outage`, { qos: 1 });
      const proxy = await new TcpProxy('127.0.0.1', 1883).up();
      cleanups.push(() => proxy.down());
      await proxy.down();
      await subscribe(
        'mqtt-outage',
        { kind: 'mqtt', config: { url: `mqtt://127.0.0.1:${proxy.port}`, topic: `outbox-test/${run}/outage`, timeoutMs: 2000 } },
        { initialInterval: '1s', backoffCoefficient: 1 },
      );
      await event('mqtt-outage', 'mqtt-outage-1');
      await firstAttemptFailed('mqtt-outage');
      await proxy.up();
      await delivered('mqtt-outage');
      await waitFor(() => received.includes(engine.database.workflowId('mqtt-outage', 'mqtt-outage-1')), { what: 'the MQTT message after recovery' });
    });
  });

  describe('kafka (kfake Kafka-protocol broker from franz-go, built here)', () => {
    let broker: KafkaBroker;
    beforeAll(async () => {
      broker = await startKafkaBroker(['orders']);
    }, 600_000);
    afterAll(() => broker?.stop());

    it('produces with the aggregate id as key and the idempotency key, type and tenant as headers', async () => {
      await subscribe('kafka', { kind: 'kafka', config: { brokers: [broker.address], topic: 'orders' } });
      await event('kafka', 'kafka-1', { n: 1 }, { aggregateId: 'order-7' });
      await delivered('kafka');
      const kafka = new Kafka({ brokers: [broker.address], logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: `test-${run}` });
      await consumer.connect();
      try {
        const messages: { key: string | undefined; value: string; headers: Record<string, string> }[] = [];
        await consumer.subscribe({ topic: 'orders', fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            messages.push({
              key: message.key?.toString(),
              value: message.value?.toString() ?? '',
              headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
            });
            await Promise.resolve();
          },
        });
        const record = await waitFor(() => messages.find((m) => m.headers['outbox-id'] === engine.database.workflowId('kafka', 'kafka-1')), {
          what: 'the record in the topic',
          timeoutMs: 60_000,
        });
        expect(record.key).toBe('order-7');
        expect(record.headers).toEqual({ 'outbox-id': engine.database.workflowId('kafka', 'kafka-1'), 'event-type': 'order.created', tenant: 'kafka' });
        expect(JSON.parse(record.value)).toMatchObject({ id: engine.database.workflowId('kafka', 'kafka-1'), data: { n: 1 } });
      } finally {
        await consumer.disconnect();
      }
    });
  });
});
