import { sql, type Kysely } from 'kysely';
import type { Database, EventStatus } from '../db/database.js';
import { patternToLike } from '../events/event-pattern.js';
import type { DeliverableEvent } from '../outbox/start-delivery-workflow.js';

/** Which events `outbox replay` re-delivers. */
export interface ReplaySelection {
  /** A tenant id, or `*` for every tenant. */
  tenant: string;
  /** Event type pattern; `*` matches anything. */
  events: string;
  since: Date;
  until: Date;
  correlationId?: string;
}

export type ReplayCandidate = DeliverableEvent & { status: EventStatus; created_at: Date };

/**
 * Events created in [since, until) that match the selection, oldest first. Pending events are
 * left out: the relay has not delivered them yet and will.
 *
 * @example
 * const events = await findReplayEvents(db, { tenant: 'acme', events: 'order.*', since, until });
 */
export async function findReplayEvents(db: Kysely<Database>, selection: ReplaySelection): Promise<ReplayCandidate[]> {
  let query = db
    .selectFrom('outbox.events')
    .select([
      sql<string>`id::text`.as('id'),
      'tenant_id',
      'event_type',
      'idempotency_key',
      'workflow_id',
      'correlation_id',
      sql<string>`(extract(epoch FROM created_at) * 1000000)::bigint::text`.as('created_at_us'),
      'status',
      'created_at',
    ])
    .where('created_at', '>=', selection.since)
    .where('created_at', '<', selection.until)
    .where('status', '<>', 'pending');
  if (selection.tenant !== '*') query = query.where('tenant_id', '=', selection.tenant);
  if (selection.events !== '*') query = query.where(sql<boolean>`event_type LIKE ${patternToLike(selection.events)}`);
  if (selection.correlationId) query = query.where('correlation_id', '=', selection.correlationId);
  return query.orderBy('id').execute();
}
