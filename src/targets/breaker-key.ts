import { targetKindNamed } from './target-registry.js';

/**
 * The circuit breaker an endpoint shares across subscriptions and workers: `<kind>: <endpoint>`.
 * The one place the key is formed (the delivering activity and the console's overview use it).
 *
 * @example
 * breakerKey('webhook', 'https://erp.example.com/hooks'); // 'webhook: https://erp.example.com/hooks'
 */
export const breakerKey = (kind: string, endpoint: string): string => `${kind}: ${endpoint}`;

/**
 * The breaker key of a stored target, or undefined when its kind is unknown or its settings do
 * not parse (such a subscription never reaches its endpoint, so it has no breaker).
 *
 * @example
 * breakerKeyOfTarget({ target_kind: 'webhook', target_config: { url: 'https://erp.example.com/hooks' } });
 */
export function breakerKeyOfTarget(target: { target_kind: string; target_config: unknown }): string | undefined {
  const kind = targetKindNamed(target.target_kind);
  const parsed = kind?.configSchema.safeParse(target.target_config);
  return kind && parsed?.success ? breakerKey(kind.kind, kind.endpoint(parsed.data)) : undefined;
}
