import { z } from 'zod';
import { secretOr } from '../secret-reference.js';
import { untilAborted } from '../until-aborted.js';
import { classifyTransportError } from '../../failures/classify-failure.js';
import { destinationTemplate, displayServer } from '../destination-template.js';
import { defineTargetKind } from '../target-kind.js';
import { renderDestination } from '../target-message.js';
import { allowPrivateAddressesSchema, timeoutSchema } from '../target-options.js';

const mqttUrl = z.string().refine((value) => URL.canParse(value) && /^(mqtts?|wss?):$/.test(new URL(value).protocol), {
  error: 'must be an mqtt://, mqtts:// or ws(s):// URL (or env:NAME)',
});

export const mqttConfigSchema = z
  .object({
    url: secretOr(mqttUrl),
    /** Topic; may use {tenant}, {type}, … */
    topic: destinationTemplate(/^[^\s#+]+$/, 'MQTT topic (no wildcards)'),
    username: z.string().min(1).optional(),
    password: secretOr(z.string().min(1)).optional(),
    timeoutMs: timeoutSchema,
    /** Operator-only: lets this subscription reach loopback/private addresses (an internal broker). */
    allowPrivateAddresses: allowPrivateAddressesSchema,
  })
  .strict();

export type MqttConfig = z.output<typeof mqttConfigSchema>;

/**
 * A QoS 1 publish: resolves on the broker's PUBACK. MQTT has no server-side dedupe, so a
 * retried publish may arrive twice; consumers dedupe on the envelope's `id`.
 */
export const mqttTarget = defineTargetKind<MqttConfig>({
  kind: 'mqtt',
  configSchema: mqttConfigSchema,
  secretPaths: ['password'],
  endpoint: (config) => `${displayServer(config.url)} ${config.topic}`,
  timeoutMs: (config) => config.timeoutMs,
  egress: (config) => ({ destinations: [config.url], allowPrivateAddresses: config.allowPrivateAddresses === true }),
  send: async (context, config, message) => {
    const topic = renderDestination(config.topic, message);
    const auth = {
      ...(config.username !== undefined && { username: config.username }),
      ...(config.password !== undefined && { password: context.secret(config.password) }),
    };
    try {
      const client = await untilAborted(
        context.connections.mqtt(context.secret(config.url), auth, { allowPrivateAddresses: config.allowPrivateAddresses === true }),
        context.signal,
      );
      if (!client.connected) throw new Error('the MQTT connection is down (reconnecting)');
      await untilAborted(client.publishAsync(topic, message.body, { qos: 1 }), context.signal);
      return {};
    } catch (error) {
      throw classifyTransportError(error);
    }
  },
});
