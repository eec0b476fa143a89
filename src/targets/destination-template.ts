import { z } from 'zod';
import { TEMPLATE_PLACEHOLDERS } from './target-message.js';

/**
 * A stream, subject, topic or routing key, optionally with placeholders such as `{tenant}` and
 * `{type}`; unknown placeholders are refused when the subscription is added.
 */
export function destinationTemplate(allowed: RegExp, what: string) {
  return z
    .string()
    .min(1)
    .max(250)
    .refine((value) => [...value.matchAll(/\{([^}]*)\}/g)].every((match) => (TEMPLATE_PLACEHOLDERS as readonly string[]).includes(match[1] ?? '')), {
      error: `may only use the placeholders ${TEMPLATE_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}`,
    })
    .refine((value) => allowed.test(value.replace(/\{[a-z_]+\}/g, 'x')), { error: `is not a valid ${what}` });
}

/** host:port and scheme without user info, for display; `env:NAME` as is. */
export function displayServer(url: string): string {
  if (url.startsWith('env:') || !URL.canParse(url)) return url.startsWith('env:') ? url : '(invalid URL)';
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : ''}`;
}
