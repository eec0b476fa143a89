/**
 * An event-type pattern (`order.*`, `*`) as a LIKE expression: `*` matches any run of
 * characters, `_` and `%` are literal. The same rule as subscriptions' `event_like` column.
 *
 * @example
 * patternToLike('order.*'); // 'order.%'
 */
export function patternToLike(pattern: string): string {
  return pattern.replaceAll('\\', '\\\\').replaceAll('%', '\\%').replaceAll('_', '\\_').replaceAll('*', '%');
}
