import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type KafkaConfig, type Producer } from 'kafkajs';
import { connectAsync, type MqttClient } from 'mqtt';
import { connect as connectNats, type ConnectionOptions, type JetStreamClient, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { AddressPolicy, isIpLiteral } from '../egress/address-policy.js';
import { checkedUrl } from '../egress/checked-address.js';
import { guardedLookup, systemResolver, type ResolveHost } from '../egress/guarded-agent.js';

/** Whether one subscription may reach private addresses (its operator-only `allowPrivateAddresses`). */
export interface Reach {
  allowPrivateAddresses: boolean;
}

/** Which broker addresses connections may reach: the engine's address policy, as for HTTP targets. */
export interface ConnectionPolicy {
  /** OUTBOX_ALLOW_PRIVATE_TARGETS as parsed; public addresses only by default. */
  policy?: AddressPolicy;
  /** The system resolver by default; tests inject one. */
  resolve?: ResolveHost;
}

interface Pooled<T> {
  client: Promise<T>;
  close: () => Promise<void>;
}

/**
 * The worker's broker connections, opened on first use and shared by every delivery to the same
 * server, closed together on shutdown. Every connection goes through the address policy, as HTTP
 * targets do: the host is resolved and every address checked when the connection opens, and the
 * client connects to the address checked (Kafka: every broker connection, the ones its metadata
 * names included, through a guarded lookup). A subscription with `allowPrivateAddresses` (an
 * operator's setting) gets its own connection, never shared with a checked one. A connection that dies is dropped from the pool, so the
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

  private readonly policy: AddressPolicy;
  private readonly resolve: ResolveHost;

  constructor(
    private readonly logger: Logger,
    options: ConnectionPolicy = {},
  ) {
    this.policy = options.policy ?? AddressPolicy.strict;
    this.resolve = options.resolve ?? systemResolver;
  }

  /** The policy for one subscription, and the pool key part that keeps the two kinds apart. */
  private reach(reach: Reach): { policy: AddressPolicy; key: string } {
    return reach.allowPrivateAddresses ? { policy: AddressPolicy.unrestricted, key: 'private' } : { policy: this.policy, key: 'checked' };
  }

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
  redis(url: string, reach: Reach): Promise<Redis> {
    const { policy, key } = this.reach(reach);
    return this.get(`redis ${key} ${url}`, async () => {
      const checked = await checkedUrl(url, policy, this.resolve);
      const client = new Redis(checked.url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 5_000,
        ...(checked.servername && url.startsWith('rediss:') && { tls: { servername: checked.servername } }),
      });
      client.on('error', (error: Error) => this.logger.debug({ err: { message: error.message } }, 'redis connection error'));
      await client.connect();
      return { client, close: async () => void (await client.quit().catch(() => client.disconnect())), onDeath: (drop) => client.once('end', drop) };
    });
  }

  /**
   * A JetStream publisher on a NATS connection that reconnects forever, to the servers given only:
   * the servers a cluster advertises are ignored, since they were never checked.
   */
  jetstream(servers: string, auth: { user?: string; pass?: string; token?: string }, reach: Reach): Promise<JetStreamClient> {
    const { policy, key } = this.reach(reach);
    return this.get(`nats ${key} ${servers} ${JSON.stringify(auth)}`, async () => {
      const checked = await Promise.all(servers.split(',').map((server) => checkedUrl(server.trim(), policy, this.resolve)));
      const servername = checked.find((server) => server.servername)?.servername;
      const connection: NatsConnection = await connectNats({
        servers: checked.map((server) => server.url),
        ...auth,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        timeout: 5_000,
        name: 'outbox-worker',
        ignoreClusterUpdates: true,
        // TLS verifies the name as written, though the socket goes to the checked address (the
        // client passes these options on to tls.connect; its types leave servername out).
        ...(servername && /^tls:/.test(servers.trim()) && { tls: { servername } as ConnectionOptions['tls'] }),
      });
      return {
        client: connection.jetstream(),
        close: () => connection.drain().catch(() => connection.close()),
        onDeath: (drop) => void connection.closed().then(drop),
      };
    });
  }

  /** An AMQP channel in confirm mode: publishes resolve only when the broker has the message. */
  amqpChannel(url: string, reach: Reach): Promise<amqp.ConfirmChannel> {
    const { policy, key } = this.reach(reach);
    return this.get(`amqp ${key} ${url}`, async () => {
      const checked = await checkedUrl(url, policy, this.resolve);
      const connection = await amqp.connect(checked.url, { timeout: 5_000, ...(checked.servername && { servername: checked.servername }) });
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
  mqtt(url: string, auth: { username?: string; password?: string }, reach: Reach): Promise<MqttClient> {
    const { policy, key } = this.reach(reach);
    return this.get(`mqtt ${key} ${url} ${JSON.stringify(auth)}`, async () => {
      const checked = await checkedUrl(url, policy, this.resolve);
      const client = await connectAsync(checked.url, {
        ...auth,
        reconnectPeriod: 1_000,
        connectTimeout: 5_000,
        clientId: `outbox-${process.pid}-${Math.random().toString(16).slice(2, 10)}`,
        ...(checked.servername && { servername: checked.servername }),
      });
      client.on('error', (error: Error) => this.logger.debug({ err: { message: error.message } }, 'mqtt connection error'));
      return { client, close: async () => void (await client.endAsync().catch(() => undefined)), onDeath: (drop) => client.once('end', drop) };
    });
  }

  /**
   * An idempotent Kafka producer (acks from all in-sync replicas, one request in flight). Every
   * socket, to the bootstrap brokers and to those the cluster's metadata names, is opened through
   * the guarded lookup, so an advertised internal address is refused as a configured one is.
   */
  kafkaProducer(config: KafkaConfig, reach: Reach): Promise<Producer> {
    const { policy, key } = this.reach(reach);
    return this.get(`kafka ${key} ${JSON.stringify(config)}`, async () => {
      const kafka = new Kafka({
        ...config,
        ...(!policy.allowsEverything && { socketFactory: guardedSocketFactory(policy, this.resolve) }),
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

/** kafkajs's default socket factory with the address policy in front of every connection. */
function guardedSocketFactory(policy: AddressPolicy, resolve: ResolveHost): NonNullable<KafkaConfig['socketFactory']> {
  const lookup = guardedLookup(policy, resolve);
  return ({ host, port, ssl, onConnect }) => {
    const refusal = isIpLiteral(host) ? policy.refusal(host, host) : undefined;
    const socket: Socket = ssl
      ? tlsConnect({ ...(typeof ssl === 'object' ? ssl : {}), host, port, servername: host, lookup, ...(refusal && { port: 0 }) }, onConnect)
      : netConnect({ host, port, lookup, ...(refusal && { port: 0 }) }, onConnect);
    socket.setKeepAlive(true, 60_000);
    if (refusal) socket.destroy(refusal);
    return socket;
  };
}
