import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { patternToLike } from '../events/event-pattern.js';

/** An open dead letter with its event, as `outbox dlq list` shows it. */
export interface OpenDeadLetter {
  id: string;
  eventId: string;
  tenant: string;
  eventType: string;
  idempotencyKey: string;
  subscription: string;
  attempts: number;
  lastError: string;
  lastStatusCode: number | null;
  workflowId: string;
  createdAt: Date;
}

export interface DeadLetterFilter {
  tenant?: string;
  /** Event type pattern, `*` matching anything (as in subscriptions). */
  events?: string;
  /** Only these dead-letter ids. */
  ids?: string[];
  /** A page: those after this id, at most `limit`. */
  afterId?: string;
  limit?: number;
}

/**
 * Dead letters waiting for an operator, oldest first.
 *
 * @example
 * const stuck = await listOpenDeadLetters(db, { tenant: 'acme', events: 'order.*' });
 */
export async function listOpenDeadLetters(db: Kysely<Database>, filter: DeadLetterFilter = {}): Promise<OpenDeadLetter[]> {
  let query = db
    .selectFrom('outbox.dead_letters as d')
    .innerJoin('outbox.events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.event_id as eventId',
      'd.tenant_id as tenant',
      'e.event_type as eventType',
      'e.idempotency_key as idempotencyKey',
      'd.subscription_name as subscription',
      'd.attempts',
      'd.last_error as lastError',
      'd.last_status_code as lastStatusCode',
      'd.workflow_id as workflowId',
      'd.created_at as createdAt',
    ])
    .where('d.resolved_at', 'is', null);
  if (filter.tenant && filter.tenant !== '*') query = query.where('d.tenant_id', '=', filter.tenant);
  if (filter.events && filter.events !== '*') query = query.where(sql<boolean>`e.event_type LIKE ${patternToLike(filter.events)}`);
  if (filter.ids) query = query.where('d.id', 'in', filter.ids.length ? filter.ids : ['0']);
  if (filter.afterId) query = query.where('d.id', '>', filter.afterId);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return query.orderBy('d.id').execute();
}
