import { z } from 'zod';
import { allowPrivateAddressesSchema, extraHeadersSchema, httpUrlSchema, timeoutSchema } from '../target-options.js';
import { displayUrl } from '../display-url.js';
import { secretOr } from '../secret-reference.js';
import { dispatcherFor, postForDelivery } from '../http/post-for-delivery.js';
import { defineTargetKind } from '../target-kind.js';
import { DeliveryError, MissingSecretError } from '../../failures/delivery-error.js';
import { oauth2Schema } from '../http/access-tokens.js';
import { signWebhook } from './sign-webhook.js';
import { clientTlsSchema } from './client-certificate.js';

/** Standard Webhooks secrets: `whsec_` + base64 of 24 to 64 random bytes. */
export const webhookSecretSchema = z.string().refine(
  (secret) => {
    if (!secret.startsWith('whsec_')) return false;
    const body = secret.slice('whsec_'.length);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
    const bytes = Buffer.from(body, 'base64').length;
    return bytes >= 24 && bytes <= 64;
  },
  // The value itself is never echoed: it is a secret.
  { error: 'must be whsec_ followed by base64 of 24 to 64 bytes, or env:NAME (omit it to have one generated)' },
);

export const webhookConfigSchema = z
  .object({
    url: httpUrlSchema,
    secret: secretOr(webhookSecretSchema),
    timeoutMs: timeoutSchema,
    headers: extraHeadersSchema,
    allowPrivateAddresses: allowPrivateAddressesSchema,
    /**
     * Which Standard Webhooks signatures to send: `hmac` (v1, with `secret`; the default),
     * `ed25519` (v1a, with the engine's signing keys, verified with the public key from
     * GET /v1/signing-keys) or `both`.
     */
    signing: z.enum(['hmac', 'ed25519', 'both'], { error: 'must be hmac, ed25519 or both' }).optional(),
    /** A client certificate for endpoints that require mTLS (see clientTlsSchema); presented on https:// URLs. */
    tls: clientTlsSchema.optional(),
    /** OAuth2 client credentials: the engine fetches and caches a token and sends it as `Authorization: Bearer` (see AccessTokens). */
    oauth2: oauth2Schema.optional(),
    /** Secrets still signed with until their grace ends (see rotateWebhookSecret). */
    previousSecrets: z
      .array(z.object({ secret: secretOr(webhookSecretSchema), expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }) }).strict())
      .max(5)
      .optional(),
  })
  .strict();

export type WebhookConfig = z.output<typeof webhookConfigSchema>;

/**
 * A webhook signed per the Standard Webhooks spec: `webhook-id` is the event's idempotency key
 * (the consumer's dedupe key), `webhook-timestamp` the attempt time, `webhook-signature` the v1
 * HMAC-SHA256 with the subscription's secret, and/or the v1a ed25519 signature with the engine's
 * signing keys (`signing`); during a rotation's grace, one signature per key, space-separated.
 */
export const webhookTarget = defineTargetKind<WebhookConfig>({
  kind: 'webhook',
  configSchema: webhookConfigSchema,
  secretPaths: ['secret', 'previousSecrets.*.secret', 'headers.*', 'tls.key', 'oauth2.clientSecret'],
  settingsIssues: (config) => [
    ...(config.tls && config.url.startsWith('http://') ? [{ path: ['url'], message: 'must be an https:// URL when tls (a client certificate) is set' }] : []),
    ...Object.keys(config.oauth2 ? (config.headers ?? {}) : {})
      .filter((name) => name.toLowerCase() === 'authorization')
      .map((name) => ({ path: ['headers', name], message: 'is sent by oauth2 (Bearer token); remove the header or oauth2' })),
  ],
  endpoint: (config) => displayUrl(config.url),
  egress: (config) => ({
    destinations: [config.url, ...(config.oauth2 ? [config.oauth2.tokenUrl] : [])],
    fields: ['target.config.url', 'target.config.oauth2.tokenUrl'],
    allowPrivateAddresses: config.allowPrivateAddresses === true,
  }),
  timeoutMs: (config) => config.timeoutMs,
  send: async (context, config, message) => {
    // The signature covers the timestamp header, so both come from the same instant.
    const now = new Date();
    const headers = {
      ...Object.fromEntries(Object.entries(config.headers ?? {}).map(([name, value]) => [name, context.secret(value)])),
      'content-type': 'application/json',
      'webhook-id': message.id,
      'webhook-timestamp': Math.floor(now.getTime() / 1000).toString(),
      'webhook-signature': await signWebhook(context, config, message, now),
    };
    const { tls, oauth2 } = config;
    if (tls && !context.clientTls) throw new MissingSecretError('this worker cannot present client certificates');
    const dispatcher = tls
      ? context.clientTls!({ cert: tls.cert, key: context.secret(tls.key), ca: tls.ca }, config.allowPrivateAddresses === true)
      : dispatcherFor(context, config);
    const post = (authorization?: string) =>
      postForDelivery(dispatcher, config.url, {
        headers: authorization ? { ...headers, authorization } : headers,
        body: message.body,
        timeoutMs: config.timeoutMs,
        signal: context.signal,
        captureResponse: context.captureResponse,
      });
    if (!oauth2) return post();
    if (!context.accessTokens) throw new MissingSecretError('this worker cannot fetch OAuth2 tokens');
    // The token comes through the guarded pool (its URL is checked like the endpoint's), without the client certificate.
    const tokens = context.accessTokens;
    const clientSecret = context.secret(oauth2.clientSecret);
    const token = await tokens.get(oauth2, clientSecret, dispatcherFor(context, config), context.signal);
    try {
      return await post(`Bearer ${token.value}`);
    } catch (error) {
      if (!(error instanceof DeliveryError) || error.statusCode !== 401) throw error;
      // Refused: the token may have been revoked or rotated early. One fresh token, one more try; a second 401 is the endpoint's answer.
      tokens.invalidate(oauth2, clientSecret, token);
      const fresh = await tokens.get(oauth2, clientSecret, dispatcherFor(context, config), context.signal);
      return post(`Bearer ${fresh.value}`);
    }
  },
});
