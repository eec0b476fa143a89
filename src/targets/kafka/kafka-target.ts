import { z } from 'zod';
import { secretOr } from '../secret-reference.js';
import { untilAborted } from '../until-aborted.js';
import { classifyTransportError } from '../../failures/classify-failure.js';
import { destinationTemplate } from '../destination-template.js';
import { defineTargetKind } from '../target-kind.js';
import { renderDestination } from '../target-message.js';
import { allowPrivateAddressesSchema, timeoutSchema } from '../target-options.js';

export const kafkaConfigSchema = z
  .object({
    /** Bootstrap brokers, host:port. */
    brokers: z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, { error: 'brokers are host:port' })).min(1),
    /** Topic; may use {tenant}, {type}, … It must exist (no auto-creation). */
    topic: destinationTemplate(/^[A-Za-z0-9._-]+$/, 'Kafka topic name'),
    clientId: z.string().min(1).default('outbox'),
    ssl: z.boolean().default(false),
    sasl: z
      .object({ mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']), username: z.string().min(1), password: secretOr(z.string().min(1)) })
      .strict()
      .optional(),
    timeoutMs: timeoutSchema,
    /** Operator-only: lets this subscription reach loopback/private addresses (an internal broker). */
    allowPrivateAddresses: allowPrivateAddressesSchema,
  })
  .strict();

export type KafkaTargetConfig = z.output<typeof kafkaConfigSchema>;

/**
 * A record produced by an idempotent producer (acks from all in-sync replicas), keyed by the
 * aggregate id so one aggregate's events keep their order within a partition. Headers carry the
 * idempotency key (`outbox-id`), event type and tenant. The idempotent producer removes
 * duplicates of its own retries; an activity retry can still write twice, so consumers dedupe
 * on `outbox-id`.
 */
export const kafkaTarget = defineTargetKind<KafkaTargetConfig>({
  kind: 'kafka',
  configSchema: kafkaConfigSchema,
  secretPaths: ['sasl.password'],
  endpoint: (config) => `kafka ${config.brokers.join(',')} ${config.topic}`,
  timeoutMs: (config) => config.timeoutMs,
  egress: (config) => ({ destinations: config.brokers, allowPrivateAddresses: config.allowPrivateAddresses === true }),
  send: async (context, config, message) => {
    const topic = renderDestination(config.topic, message);
    const sasl = config.sasl ? { mechanism: config.sasl.mechanism, username: config.sasl.username, password: context.secret(config.sasl.password) } : undefined;
    try {
      const producer = await untilAborted(
        context.connections.kafkaProducer(
          {
            clientId: config.clientId,
            brokers: config.brokers,
            ssl: config.ssl,
            ...(sasl && { sasl: sasl as never }),
            connectionTimeout: Math.min(config.timeoutMs, 10_000),
            requestTimeout: config.timeoutMs,
            retry: { retries: 2, initialRetryTime: 100 },
          },
          { allowPrivateAddresses: config.allowPrivateAddresses === true },
        ),
        context.signal,
      );
      await untilAborted(
        producer.send({
          topic,
          acks: -1,
          timeout: config.timeoutMs,
          messages: [
            {
              key: message.envelope.aggregate?.id ?? null,
              value: message.body,
              headers: { 'outbox-id': message.id, 'event-type': message.eventType, tenant: message.envelope.tenant },
            },
          ],
        }),
        context.signal,
      );
      return {};
    } catch (error) {
      throw classifyTransportError(error);
    }
  },
});
