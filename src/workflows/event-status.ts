// Pure functions over route states; workflow code, so no Node built-ins and no I/O.
import type { EventStatus } from '../db/database.js';
import type { OutboxWorkflowStatus, RouteRole, RouteState } from './definitions.js';

/**
 * One status for the whole event from its routes. A dead letter wins over everything (an
 * operator must see it), then deliveries the event still needs (required ones, and `any_of`
 * ones until one of them succeeded; best-effort ones never hold the event); once nothing needed
 * is in flight, expired and discarded routes mark the event as not fully delivered.
 */
export function overallStatus(routes: readonly { state: RouteState; role: RouteRole }[]): OutboxWorkflowStatus {
  const states = routes.map((route) => route.state);
  if (states.includes('dead_lettered')) return 'DeadLettered';
  const anyOfDone = routes.some((route) => route.role === 'any_of' && route.state === 'delivered');
  const needed = (route: { role: RouteRole }) => route.role === 'required' || (route.role === 'any_of' && !anyOfDone);
  if (routes.some((route) => route.state === 'delivering' && needed(route))) return 'Delivering';
  if (states.includes('expired')) return 'Expired';
  if (states.includes('discarded')) return 'Discarded';
  return 'Delivered';
}

/** The outbox.events status for a workflow status. */
export function eventStatusFor(status: OutboxWorkflowStatus): EventStatus {
  switch (status) {
    case 'Dispatched':
    case 'Delivering':
      return 'dispatched';
    case 'DeadLettered':
      return 'dead_lettered';
    case 'Delivered':
      return 'delivered';
    case 'Discarded':
      return 'discarded';
    case 'Expired':
      return 'expired';
    case 'Compensating':
      return 'dispatched';
    case 'Compensated':
      return 'compensated';
    case 'CompensationFailed':
      return 'dead_lettered';
  }
}
