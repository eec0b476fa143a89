import { z } from 'zod';
import { displayUrl } from '../display-url.js';
import { secretOr } from '../secret-reference.js';
import { dispatcherFor, postForDelivery } from '../http/post-for-delivery.js';
import { defineTargetKind } from '../target-kind.js';
import { allowPrivateAddressesSchema, headerNameSchema, headerValueSchema, httpUrlSchema, timeoutSchema } from '../target-options.js';

const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: secretOr(z.string().min(1)) }).strict(),
  z.object({ type: z.literal('header'), name: headerNameSchema, value: secretOr(headerValueSchema.pipe(z.string().min(1))) }).strict(),
]);

export const n8nConfigSchema = z
  .object({
    url: httpUrlSchema,
    /** n8n's Webhook node supports basic auth and header auth. */
    auth: authSchema.optional(),
    timeoutMs: timeoutSchema,
    allowPrivateAddresses: allowPrivateAddressesSchema,
  })
  .strict();

export type N8nConfig = z.output<typeof n8nConfigSchema>;

/**
 * An n8n Webhook node: the event envelope as JSON with `X-Event-Type` and `X-Idempotency-Key`
 * (the event's key, so a workflow can deduplicate), and optional basic or header auth.
 */
export const n8nTarget = defineTargetKind<N8nConfig>({
  kind: 'n8n',
  configSchema: n8nConfigSchema,
  secretPaths: ['auth.password', 'auth.value'],
  endpoint: (config) => displayUrl(config.url),
  egress: (config) => ({ destinations: [config.url], allowPrivateAddresses: config.allowPrivateAddresses === true }),
  timeoutMs: (config) => config.timeoutMs,
  send: async (context, config, message) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-event-type': message.eventType,
      'x-idempotency-key': message.id,
    };
    if (config.auth?.type === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${context.secret(config.auth.password)}`).toString('base64')}`;
    } else if (config.auth?.type === 'header') {
      headers[config.auth.name.toLowerCase()] = context.secret(config.auth.value);
    }
    return postForDelivery(dispatcherFor(context, config), config.url, {
      headers,
      body: message.body,
      timeoutMs: config.timeoutMs,
      signal: context.signal,
      captureResponse: context.captureResponse,
    });
  },
});
