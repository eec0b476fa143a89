import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type KafkaConfig, type Producer } from 'kafkajs';
import { connectAsync, type MqttClient } from 'mqtt';
import { connect as connectNats, type JetStreamClient, type NatsConnection } from 'nats';
import type { Logger } from 'pino';

interface Pooled<T> {
  client: Promise<T>;
  close: () => Promise<void>;
}

/**
 * The worker's broker connections, opened on first use and shared by every delivery to the same
 * server, closed together on shutdown. A connection that dies is dropped from the pool, so the
 * next delivery opens a fresh one (each client's own reconnect logic covers short blips).
 * Keys may contain credentials; they live only in memory and are never logged.
 *
 * @example
 * const connections = new TargetConnections(logger);
 * const redis = await connections.redis('redis://127.0.0.1:6379');
 * await connections.close();
 */
export class TargetConnections {
  private readonly pool = new Map<string, Pooled<unknown>>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  private get<T>(key: string, open: () => Promise<{ client: T; close: () => Promise<void>; onDeath: (drop: () => void) => void }>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the worker is shutting down'));
    const existing = this.pool.get(key) as Pooled<T> | undefined;
    if (existing) return existing.client;
    const drop = () => {
      if (this.pool.get(key) === entry) this.pool.delete(key);
    };
    const opened = open();
    const entry: Pooled<T> = {
      client: opened.then((result) => {
        result.onDeath(drop);
        return result.client;
      }),
      close: async () => (await opened).close(),
    };
    entry.client.catch(drop);
    this.pool.set(key, entry);
    return entry.client;
  }

  /** An ioredis client that fails commands at once while disconnected (instead of queueing them). */
  redis(url: string): Promise<Redis> {
    return this.get(`redis ${url}`, async () => {
      const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
      client.on('error', (error: Error) => this.logger.debug({ err: { message: error.message } }, 'redis connection error'));
      await client.connect();
      return { client, close: async () => void (await client.quit().catch(() => client.disconnect())), onDeath: (drop) => client.once('end', drop) };
    });
  }

  /** A JetStream publisher on a NATS connection that reconnects forever. */
  jetstream(servers: string, auth: { user?: string; pass?: string; token?: string }): Promise<JetStreamClient> {
    return this.get(`nats ${servers} ${JSON.stringify(auth)}`, async () => {
      const connection: NatsConnection = await connectNats({
        servers,
        ...auth,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        timeout: 5_000,
        name: 'outbox-worker',
      });
      return {
        client: connection.jetstream(),
        close: () => connection.drain().catch(() => connection.close()),
        onDeath: (drop) => void connection.closed().then(drop),
      };
    });
  }

  /** An AMQP channel in confirm mode: publishes resolve only when the broker has the message. */
  amqpChannel(url: string): Promise<amqp.ConfirmChannel> {
    return this.get(`amqp ${url}`, async () => {
      const connection = await amqp.connect(url, { timeout: 5_000 });
      connection.on('error', (error: Error) => this.logger.debug({ err: { message: error.message } }, 'amqp connection error'));
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) => this.logger.debug({ err: { message: error.message } }, 'amqp channel error'));
      return {
        client: channel,
        close: async () => void (await connection.close().catch(() => undefined)),
        onDeath: (drop) => {
          connection.once('close', drop);
          channel.once('close', drop);
        },
      };
    });
  }

  /** An MQTT client; publishes at QoS 1 resolve on PUBACK. */
  mqtt(url: string, auth: { username?: string; password?: string }): Promise<MqttClient> {
    return this.get(`mqtt ${url} ${JSON.stringify(auth)}`, async () => {
      const client = await connectAsync(url, {
        ...auth,
        reconnectPeriod: 1_000,
        connectTimeout: 5_000,
        clientId: `outbox-${process.pid}-${Math.random().toString(16).slice(2, 10)}`,
      });
      client.on('error', (error: Error) => this.logger.debug({ err: { message: error.message } }, 'mqtt connection error'));
      return { client, close: async () => void (await client.endAsync().catch(() => undefined)), onDeath: (drop) => client.once('end', drop) };
    });
  }

  /** An idempotent Kafka producer (acks from all in-sync replicas, one request in flight). */
  kafkaProducer(config: KafkaConfig): Promise<Producer> {
    return this.get(`kafka ${JSON.stringify(config)}`, async () => {
      const kafka = new Kafka({
        ...config,
        logLevel: logLevel.ERROR,
        logCreator: () => (entry) => this.logger.debug({ kafka: entry.log.message }, 'kafka client'),
      });
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      return { client: producer, close: () => producer.disconnect(), onDeath: (drop) => void producer.on(producer.events.DISCONNECT, drop) };
    });
  }

  /** Closes every connection; later requests are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(entries.map((entry) => entry.close().catch(() => undefined)));
  }
}
