import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** Which attempts of the delivery log to find; every field narrows the search. */
export interface DeliverySearch {
  eventId?: string;
  subscriptionId?: string;
  statusCode?: number;
  outcome?: 'delivered' | 'retryable_failure' | 'permanent_failure' | 'skipped';
  since?: Date;
  until?: Date;
  /** Continue below this id (newest first). */
  beforeId?: string;
  limit: number;
}

/** One attempt, as the log recorded it. */
export interface DeliveryAttempt {
  id: string;
  eventId: string;
  subscriptionId: string | null;
  tenant: string;
  target: string;
  attempt: number;
  outcome: 'delivered' | 'retryable_failure' | 'permanent_failure' | 'skipped';
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  workflowId: string;
  attemptedAt: Date;
}

/**
 * Attempts from the delivery log, newest first, one page.
 *
 * @example
 * const failures = await searchDeliveries(db, { subscriptionId: '7', outcome: 'retryable_failure', limit: 50 });
 */
export async function searchDeliveries(db: Kysely<Database>, search: DeliverySearch): Promise<DeliveryAttempt[]> {
  let query = db
    .selectFrom('outbox.deliveries')
    .select([
      'id',
      'event_id as eventId',
      'subscription_id as subscriptionId',
      'tenant_id as tenant',
      'target',
      'attempt',
      'outcome',
      'status_code as statusCode',
      'duration_ms as durationMs',
      'error',
      'workflow_id as workflowId',
      'attempted_at as attemptedAt',
    ])
    .orderBy('id', 'desc')
    .limit(search.limit);
  if (search.eventId !== undefined) query = query.where('event_id', '=', search.eventId);
  if (search.subscriptionId !== undefined) query = query.where('subscription_id', '=', search.subscriptionId);
  if (search.statusCode !== undefined) query = query.where('status_code', '=', search.statusCode);
  if (search.outcome !== undefined) query = query.where('outcome', '=', search.outcome);
  if (search.since !== undefined) query = query.where('attempted_at', '>=', search.since);
  if (search.until !== undefined) query = query.where('attempted_at', '<', search.until);
  if (search.beforeId !== undefined) query = query.where('id', '<', search.beforeId);
  return query.execute();
}
