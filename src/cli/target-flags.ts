import type { TargetKindName } from '../targets/target-registry.js';
import { generateWebhookSecret } from '../subscriptions/subscription-store.js';
import { clientTlsFromFlags, oauth2FromFlags } from './webhook-auth-flags.js';

/** The target flags of `outbox subscriptions add` (exactly one target flag is given). */
export interface TargetFlags {
  webhook?: string;
  slack?: string;
  n8n?: string;
  redis?: string;
  nats?: string;
  amqp?: string;
  mqtt?: string;
  kafka?: string;
  realtime?: boolean;
  secret?: string;
  signing?: string;
  clientCert?: string;
  clientKey?: string;
  clientCa?: string;
  oauth2TokenUrl?: string;
  oauth2ClientId?: string;
  oauth2ClientSecret?: string;
  oauth2Scope?: string;
  oauth2Audience?: string;
  header?: string[];
  template?: string;
  authBasic?: string;
  authHeader?: string;
  stream?: string;
  maxlen?: number;
  subject?: string;
  exchange?: string;
  routingKey?: string;
  topic?: string;
  username?: string;
  password?: string;
  token?: string;
  channel?: string;
  timeout?: number;
  allowPrivateAddress?: boolean;
  config?: string;
}

/** The subscription flags were inconsistent: no target, two targets, or a malformed value. */
export class TargetFlagError extends Error {
  override readonly name = 'TargetFlagError';
}

const TARGET_FLAGS: Record<TargetKindName, keyof TargetFlags> = {
  webhook: 'webhook',
  slack: 'slack',
  n8n: 'n8n',
  'redis-stream': 'redis',
  nats: 'nats',
  rabbitmq: 'amqp',
  mqtt: 'mqtt',
  kafka: 'kafka',
  realtime: 'realtime',
};

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

/** `Name: value` → [name, value] */
function header(value: string, flag: string): [string, string] {
  const match = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(value);
  if (!match?.[1] || !match[2]) throw new TargetFlagError(`${flag} takes "Name: value", got ${JSON.stringify(value)}`);
  return [match[1], match[2]];
}

/**
 * Builds `{ kind, config }` from the flags. Returns the generated webhook secret too, so the
 * command can print it once.
 */
export function targetFromFlags(flags: TargetFlags): { kind: TargetKindName; config: Record<string, unknown>; generatedSecret?: string } {
  const chosen = (Object.entries(TARGET_FLAGS) as [TargetKindName, keyof TargetFlags][]).filter(
    ([, flag]) => flags[flag] !== undefined && flags[flag] !== false,
  );
  if (chosen.length !== 1) {
    const all = Object.values(TARGET_FLAGS).map(flagName).join(', ');
    throw new TargetFlagError(
      chosen.length === 0
        ? `Say where events go: one of ${all}.`
        : `Give one target per subscription, not ${chosen.map(([, flag]) => flagName(flag)).join(' and ')}.`,
    );
  }
  const [kind] = chosen[0]!;
  let extra: Record<string, unknown> = {};
  if (flags.config !== undefined) {
    try {
      extra = JSON.parse(flags.config) as Record<string, unknown>;
    } catch {
      throw new TargetFlagError(`--config must be a JSON object of ${kind} settings, e.g. '{"timeoutMs": 5000}'`);
    }
  }
  if (flags.allowPrivateAddress && kind === 'realtime') {
    throw new TargetFlagError(
      `--allow-private-address applies to targets that connect somewhere; --realtime connects nowhere (clients connect to the engine).`,
    );
  }
  const config: Record<string, unknown> = {
    ...(flags.timeout !== undefined && { timeoutMs: flags.timeout }),
    ...(flags.allowPrivateAddress && { allowPrivateAddresses: true }),
    ...extra,
  };
  const auth = { ...(flags.username !== undefined && { username: flags.username }), ...(flags.password !== undefined && { password: flags.password }) };
  let generatedSecret: string | undefined;
  switch (kind) {
    case 'webhook':
      generatedSecret = flags.secret === undefined ? generateWebhookSecret() : undefined;
      Object.assign(config, { url: flags.webhook, secret: flags.secret ?? generatedSecret });
      if (flags.header?.length) config.headers = Object.fromEntries(flags.header.map((value) => header(value, '--header')));
      if (flags.signing !== undefined) config.signing = flags.signing;
      Object.assign(config, clientTlsFromFlags(flags), oauth2FromFlags(flags));
      break;
    case 'slack':
      Object.assign(config, { url: flags.slack, ...(flags.template !== undefined && { template: flags.template }) });
      break;
    case 'n8n':
      Object.assign(config, { url: flags.n8n });
      if (flags.authBasic !== undefined) {
        const separator = flags.authBasic.indexOf(':');
        if (separator < 1) throw new TargetFlagError('--auth-basic takes user:password (the password may be env:NAME)');
        config.auth = { type: 'basic', username: flags.authBasic.slice(0, separator), password: flags.authBasic.slice(separator + 1) };
      } else if (flags.authHeader !== undefined) {
        const [name, value] = header(flags.authHeader, '--auth-header');
        config.auth = { type: 'header', name, value };
      }
      break;
    case 'redis-stream':
      Object.assign(config, { url: flags.redis, stream: flags.stream, ...(flags.maxlen !== undefined && { maxLen: flags.maxlen }) });
      break;
    case 'nats':
      Object.assign(config, {
        url: flags.nats,
        subject: flags.subject,
        ...(flags.username !== undefined && { user: flags.username }),
        ...(flags.password !== undefined && { pass: flags.password }),
        ...(flags.token !== undefined && { token: flags.token }),
      });
      break;
    case 'rabbitmq':
      Object.assign(config, {
        url: flags.amqp,
        ...(flags.exchange !== undefined && { exchange: flags.exchange }),
        ...(flags.routingKey !== undefined && { routingKey: flags.routingKey }),
      });
      break;
    case 'mqtt':
      Object.assign(config, { url: flags.mqtt, topic: flags.topic, ...auth });
      break;
    case 'kafka':
      Object.assign(config, { brokers: flags.kafka?.split(',').map((broker) => broker.trim()), topic: flags.topic });
      break;
    case 'realtime':
      Object.assign(config, { ...(flags.channel !== undefined && { channel: flags.channel }) });
      break;
  }
  return { kind, config, ...(generatedSecret && { generatedSecret }) };
}

/** The flag an operator typed for a subscription field, so errors name what they can fix. */
export function flagForField(path: string, kind: TargetKindName | undefined): string {
  // Store errors name the input's path; a target's settings are flags of their own.
  const field = path.replace(/^target\.config\./, '');
  const direct: Record<string, string> = {
    name: '--name',
    tenant: '--tenant',
    events: '--events',
    secret: '--secret',
    signing: '--signing',
    'tls.cert': '--client-cert',
    'tls.key': '--client-key',
    'tls.ca': '--client-ca',
    'oauth2.tokenUrl': '--oauth2-token-url',
    'oauth2.clientId': '--oauth2-client-id',
    'oauth2.clientSecret': '--oauth2-client-secret',
    'oauth2.scope': '--oauth2-scope',
    'oauth2.audience': '--oauth2-audience',
    timeoutMs: '--timeout',
    allowPrivateAddresses: '--allow-private-address',
    headers: '--header',
    template: '--template',
    stream: '--stream',
    maxLen: '--maxlen',
    subject: '--subject',
    exchange: '--exchange',
    routingKey: '--routing-key',
    topic: '--topic',
    username: '--username',
    user: '--username',
    password: '--password',
    pass: '--password',
    token: '--token',
    channel: '--channel',
    'retryPolicy.initialInterval': '--initial-interval',
    'retryPolicy.backoffCoefficient': '--backoff',
    'retryPolicy.maximumInterval': '--max-interval',
    'retryPolicy.maximumAttempts': '--max-attempts',
    'retryPolicy.deadline': '--deadline',
    'retryPolicy.schedule': '--retry-schedule',
    'retryPolicy.delays': '--retry-delays',
    'retryPolicy.jitter': '--jitter',
    'flowControl.ratePerSecond': '--rate',
    'flowControl.burst': '--burst',
    'flowControl.maxInFlight': '--max-in-flight',
  };
  if (direct[field]) return direct[field];
  if ((field === 'url' || field.startsWith('brokers')) && kind) return flagName(TARGET_FLAGS[kind]);
  if (field.startsWith('auth.')) return field.includes('name') || field.includes('value') ? '--auth-header' : '--auth-basic';
  if (field.startsWith('headers')) return '--header';
  return field;
}
