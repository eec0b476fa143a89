import { z } from 'zod';
import { isEnvReference, secretOr } from '../secret-reference.js';
import { dispatcherFor, postForDelivery } from '../http/post-for-delivery.js';
import { defineTargetKind } from '../target-kind.js';
import type { EventEnvelope } from '../target-message.js';
import { allowPrivateAddressesSchema, httpUrlSchema, timeoutSchema } from '../target-options.js';

export const slackConfigSchema = z
  .object({
    /** The incoming-webhook URL; its path is the credential, so `env:NAME` is recommended. */
    url: secretOr(httpUrlSchema),
    /** mrkdwn with {{type}}, {{tenant}}, {{id}}, {{eventId}}, {{timestamp}} and {{data.path}}. */
    template: z.string().min(1).max(2900).optional(),
    timeoutMs: timeoutSchema,
    allowPrivateAddresses: allowPrivateAddressesSchema,
  })
  .strict();

export type SlackConfig = z.output<typeof slackConfigSchema>;

const SLACK_TEXT_LIMIT = 3000;

/** Slack's mrkdwn treats &, < and > as control characters. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function lookup(envelope: EventEnvelope, path: string): unknown {
  let value: unknown = envelope;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * The message text: the subscription's template with `{{path}}` placeholders filled from the
 * event envelope, or a readable default (type, tenant, key and the payload as JSON).
 *
 * @example
 * renderSlackText('New order {{data.orderId}} for {{tenant}}', envelope);
 */
export function renderSlackText(template: string | undefined, envelope: EventEnvelope): string {
  if (template) {
    return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, path: string) => {
      const value = lookup(envelope, path);
      if (value === undefined) return '';
      return escapeMrkdwn(typeof value === 'string' ? value : JSON.stringify(value));
    });
  }
  const json = JSON.stringify(envelope.data, null, 2);
  const header = `*${escapeMrkdwn(envelope.type)}* · tenant \`${escapeMrkdwn(envelope.tenant)}\` · \`${escapeMrkdwn(envelope.id)}\``;
  const room = SLACK_TEXT_LIMIT - header.length - 10;
  const body = json.length > room ? `${json.slice(0, room - 1)}…` : json;
  return `${header}\n\`\`\`${escapeMrkdwn(body)}\`\`\``;
}

/** Shows where it posts without the URL's secret path. */
function slackEndpoint(url: string): string {
  if (isEnvReference(url)) return `slack ${url}`;
  const parsed = new URL(url);
  const first = parsed.pathname.split('/').filter(Boolean)[0];
  return `slack ${parsed.protocol}//${parsed.host}/${first ? `${first}/…` : ''}`;
}

/** A Slack incoming webhook: a readable message per event; 429 + Retry-After is honoured. */
export const slackTarget = defineTargetKind<SlackConfig>({
  kind: 'slack',
  configSchema: slackConfigSchema,
  endpoint: (config) => slackEndpoint(config.url),
  // An env:NAME URL is only known to the worker: checked at connect time only.
  egress: (config) => ({ destinations: [config.url], allowPrivateAddresses: config.allowPrivateAddresses === true }),
  timeoutMs: (config) => config.timeoutMs,
  send: async (context, config, message) => {
    const text = renderSlackText(config.template, message.envelope).slice(0, SLACK_TEXT_LIMIT);
    return postForDelivery(dispatcherFor(context, config), context.secret(config.url), {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }),
      timeoutMs: config.timeoutMs,
      signal: context.signal,
    });
  },
});
