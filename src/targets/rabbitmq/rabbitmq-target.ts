import type amqp from 'amqplib';
import { z } from 'zod';
import { secretOr } from '../secret-reference.js';
import { untilAborted } from '../until-aborted.js';
import { classifyTransportError } from '../../failures/classify-failure.js';
import { DeliveryError } from '../../failures/delivery-error.js';
import { destinationTemplate, displayServer } from '../destination-template.js';
import { defineTargetKind } from '../target-kind.js';
import { renderDestination } from '../target-message.js';
import { allowPrivateAddressesSchema, timeoutSchema } from '../target-options.js';

const amqpUrl = z.string().refine((value) => URL.canParse(value) && /^amqps?:$/.test(new URL(value).protocol), {
  error: 'must be an amqp:// or amqps:// URL (or env:NAME)',
});

export const rabbitmqConfigSchema = z
  .object({
    url: secretOr(amqpUrl),
    /** Exchange to publish to; '' is the default exchange (routing key = queue name). */
    exchange: z.string().max(255).default(''),
    /** Routing key; may use {tenant}, {type}, … */
    routingKey: destinationTemplate(/^[^\s]*$/, 'routing key').default('{type}'),
    timeoutMs: timeoutSchema,
    /** Operator-only: lets this subscription reach loopback/private addresses (an internal broker). */
    allowPrivateAddresses: allowPrivateAddressesSchema,
  })
  .strict();

export type RabbitmqConfig = z.output<typeof rabbitmqConfigSchema>;

/** Message ids the broker returned as unroutable, per channel (basic.return precedes the ack). */
const returned = new WeakMap<amqp.ConfirmChannel, Set<string>>();

function watchReturns(channel: amqp.ConfirmChannel): Set<string> {
  let ids = returned.get(channel);
  if (!ids) {
    const set = new Set<string>();
    channel.on('return', (msg: amqp.Message) => {
      const id = msg.properties.messageId as string | undefined;
      if (id) set.add(id);
    });
    returned.set(channel, set);
    ids = set;
  }
  return ids;
}

/**
 * A persistent AMQP message (`message_id` = the message id, `type` = event type) on a
 * confirm channel, published mandatory: resolves once the broker confirms it, fails (retried)
 * when no queue is bound for it.
 */
export const rabbitmqTarget = defineTargetKind<RabbitmqConfig>({
  kind: 'rabbitmq',
  configSchema: rabbitmqConfigSchema,
  endpoint: (config) => `${displayServer(config.url)} exchange "${config.exchange}" ${config.routingKey}`,
  timeoutMs: (config) => config.timeoutMs,
  egress: (config) => ({ destinations: [config.url], allowPrivateAddresses: config.allowPrivateAddresses === true }),
  send: async (context, config, message) => {
    const routingKey = renderDestination(config.routingKey, message);
    try {
      const channel = await untilAborted(
        context.connections.amqpChannel(context.secret(config.url), { allowPrivateAddresses: config.allowPrivateAddresses === true }),
        context.signal,
      );
      const unroutable = watchReturns(channel);
      unroutable.delete(message.id);
      await untilAborted(
        new Promise<void>((resolve, reject) => {
          channel.publish(
            config.exchange,
            routingKey,
            Buffer.from(message.body),
            {
              persistent: true,
              mandatory: true,
              messageId: message.id,
              type: message.eventType,
              contentType: 'application/json',
              timestamp: Math.floor(Date.parse(message.envelope.timestamp) / 1000),
              headers: { 'x-tenant': message.envelope.tenant, 'x-event-id': message.envelope.eventId },
            },
            (error: unknown) => (error ? reject(error instanceof Error ? error : new Error('the broker refused the message (nack)')) : resolve()),
          );
        }),
        context.signal,
      );
      if (unroutable.delete(message.id)) {
        throw new DeliveryError(`no queue is bound to exchange "${config.exchange}" for routing key ${routingKey}; bind one, the delivery will be retried`);
      }
      return {};
    } catch (error) {
      throw classifyTransportError(error);
    }
  },
});
