import type { FanoutStrategy } from '../db/database.js';
import type { DeliveryRoute, RouteRole } from './delivery-route.js';

/** The fan-out rule that applies to an event ('all' when none matches). */
export interface FanoutRule {
  strategy: FanoutStrategy;
  primary: string | null;
}

/**
 * Each route's role under the event's fan-out rule; missing explicit targets are required.
 *
 * @example
 * rolesUnder({ strategy: 'primary', primary: 'ledger' }, routes, []); // { ledger: 'required', crm: 'best_effort' }
 */
export function rolesUnder(rule: FanoutRule, routes: DeliveryRoute[], missingTargets: string[]): Record<string, RouteRole> {
  const names = routes.map((route) => route.subscriptionName);
  const roles: Record<string, RouteRole> = {};
  for (const name of names) {
    if (rule.strategy === 'any') roles[name] = 'any_of';
    else if (rule.strategy === 'primary' && rule.primary && names.includes(rule.primary)) roles[name] = name === rule.primary ? 'required' : 'best_effort';
    // A primary rule whose primary is not among the routes protects nothing: all are required.
    else roles[name] = 'required';
  }
  for (const name of missingTargets) roles[name] = 'required';
  return roles;
}
