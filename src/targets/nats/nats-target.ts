import { headers as natsHeaders, StringCodec } from 'nats';
import { z } from 'zod';
import { secretOr } from '../secret-reference.js';
import { untilAborted } from '../until-aborted.js';
import { classifyTransportError } from '../../failures/classify-failure.js';
import { DeliveryError } from '../../failures/delivery-error.js';
import { destinationTemplate, displayServer } from '../destination-template.js';
import { defineTargetKind } from '../target-kind.js';
import { renderDestination } from '../target-message.js';
import { allowPrivateAddressesSchema, timeoutSchema } from '../target-options.js';

const natsUrl = z.string().refine((value) => value.split(',').every((server) => URL.canParse(server) && /^(nats|tls|wss?):$/.test(new URL(server).protocol)), {
  error: 'must be a nats:// URL, or several separated by commas (or env:NAME)',
});

export const natsConfigSchema = z
  .object({
    url: secretOr(natsUrl),
    /** Subject; may use {tenant}, {type}, … A JetStream stream must capture it. */
    subject: destinationTemplate(/^[^\s*>]+$/, 'NATS subject (no spaces or wildcards)'),
    user: z.string().min(1).optional(),
    pass: secretOr(z.string().min(1)).optional(),
    token: secretOr(z.string().min(1)).optional(),
    timeoutMs: timeoutSchema,
    /** Operator-only: lets this subscription reach loopback/private addresses (an internal broker). */
    allowPrivateAddresses: allowPrivateAddressesSchema,
  })
  .strict();

export type NatsConfig = z.output<typeof natsConfigSchema>;

const codec = StringCodec();

/**
 * A JetStream publish with `Nats-Msg-Id` = the message id: within the stream's
 * duplicate window the server stores a retried publish once. Resolves on the stream's ack.
 */
export const natsTarget = defineTargetKind<NatsConfig>({
  kind: 'nats',
  configSchema: natsConfigSchema,
  secretPaths: ['pass', 'token'],
  endpoint: (config) => `${config.url.split(',').map(displayServer).join(',')} ${config.subject}`,
  timeoutMs: (config) => config.timeoutMs,
  egress: (config) => ({ destinations: config.url.split(','), allowPrivateAddresses: config.allowPrivateAddresses === true }),
  send: async (context, config, message) => {
    const subject = renderDestination(config.subject, message);
    const auth = {
      ...(config.user !== undefined && { user: config.user }),
      ...(config.pass !== undefined && { pass: context.secret(config.pass) }),
      ...(config.token !== undefined && { token: context.secret(config.token) }),
    };
    try {
      const jetstream = await untilAborted(
        context.connections.jetstream(context.secret(config.url), auth, { allowPrivateAddresses: config.allowPrivateAddresses === true }),
        context.signal,
      );
      const headers = natsHeaders();
      headers.set('Outbox-Event-Type', message.eventType);
      headers.set('Outbox-Tenant', message.envelope.tenant);
      await untilAborted(jetstream.publish(subject, codec.encode(message.body), { msgID: message.id, timeout: config.timeoutMs, headers }), context.signal);
      return {};
    } catch (error) {
      if (/no responders|503/i.test((error as Error).message)) {
        throw new DeliveryError(
          `no JetStream stream captures subject ${subject}; create one (e.g. nats stream add --subjects '${subject}'), the delivery will be retried`,
        );
      }
      throw classifyTransportError(error);
    }
  },
});
