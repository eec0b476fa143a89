import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { allowPrivateAddressesSchema, extraHeadersSchema, httpUrlSchema, timeoutSchema } from '../target-options.js';
import { displayUrl } from '../display-url.js';
import { secretOr } from '../secret-reference.js';
import { dispatcherFor, postForDelivery } from '../http/post-for-delivery.js';
import { defineTargetKind } from '../target-kind.js';
import { MissingSecretError } from '../../failures/delivery-error.js';
import { signV1a } from './signing-key-ring.js';
import { clientTlsSchema, describeClientCertificate } from './client-certificate.js';

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
  secretPaths: ['secret', 'previousSecrets.*.secret', 'headers.*', 'tls.key'],
  settingsIssues: (config) =>
    config.tls && config.url.startsWith('http://') ? [{ path: ['url'], message: 'must be an https:// URL when tls (a client certificate) is set' }] : [],
  clientCertificate: (config) => (config.tls ? describeClientCertificate(config.tls.cert) : undefined),
  endpoint: (config) => displayUrl(config.url),
  egress: (config) => ({ destinations: [config.url], allowPrivateAddresses: config.allowPrivateAddresses === true }),
  timeoutMs: (config) => config.timeoutMs,
  send: async (context, config, message) => {
    // The signature covers the timestamp header, so both come from the same instant.
    const now = new Date();
    const signing = config.signing ?? 'hmac';
    // During a rotation's grace period, one signature per secret or key, space-separated (the spec's way).
    const signatures: string[] = [];
    if (signing !== 'ed25519') {
      const secrets = [
        context.secret(config.secret),
        ...(config.previousSecrets ?? [])
          .filter((previous) => Date.parse(previous.expiresAt) > now.getTime())
          .map((previous) => context.secret(previous.secret)),
      ];
      signatures.push(...secrets.map((secret) => new Webhook(secret).sign(message.id, now, message.body)));
    }
    if (signing !== 'hmac') {
      if (!context.signingKeys) throw new MissingSecretError('this worker has no ed25519 signing keys to sign v1a with');
      const seconds = Math.floor(now.getTime() / 1000);
      signatures.push(...(await context.signingKeys()).map((key) => signV1a(key.privateKey, message.id, seconds, message.body)));
    }
    const signature = signatures.join(' ');
    const extra = Object.fromEntries(Object.entries(config.headers ?? {}).map(([name, value]) => [name, context.secret(value)]));
    const { tls } = config;
    if (tls && !context.clientTls) throw new MissingSecretError('this worker cannot present client certificates');
    const dispatcher = tls
      ? context.clientTls!({ cert: tls.cert, key: context.secret(tls.key), ca: tls.ca }, config.allowPrivateAddresses === true)
      : dispatcherFor(context, config);
    return postForDelivery(dispatcher, config.url, {
      headers: {
        ...extra,
        'content-type': 'application/json',
        'webhook-id': message.id,
        'webhook-timestamp': Math.floor(now.getTime() / 1000).toString(),
        'webhook-signature': signature,
      },
      body: message.body,
      timeoutMs: config.timeoutMs,
      signal: context.signal,
      captureResponse: context.captureResponse,
    });
  },
});
