import { sql, type Kysely } from 'kysely';
import type { Database, EventStatus } from '../db/database.js';
import { patternToLike } from '../events/event-pattern.js';

/** Which events to find; every field narrows the search. */
export interface EventSearch {
  tenant?: string;
  /** Event type pattern, `*` matching anything (as in subscriptions). */
  type?: string;
  status?: EventStatus;
  since?: Date;
  until?: Date;
  correlationId?: string;
  /** The event's idempotency key (exact). */
  idempotencyKey?: string;
  aggregateType?: string;
  aggregateId?: string;
  /** Continue below this id (newest first). */
  beforeId?: string;
  limit: number;
}

/** An event as the API and console show it (the payload only in the detail). */
export interface EventSummary {
  id: string;
  tenant: string;
  type: string;
  version: number;
  idempotencyKey: string;
  status: EventStatus;
  aggregateType: string | null;
  aggregateId: string | null;
  correlationId: string | null;
  workflowId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const SUMMARY = [
  'id',
  'tenant_id as tenant',
  'event_type as type',
  'event_version as version',
  'idempotency_key as idempotencyKey',
  'status',
  'aggregate_type as aggregateType',
  'aggregate_id as aggregateId',
  'correlation_id as correlationId',
  'workflow_id as workflowId',
  'created_at as createdAt',
  'finished_at as finishedAt',
] as const;

/**
 * Events matching the search, newest first, one page (walks the primary key backwards, so a
 * page costs the same however many events there are).
 *
 * @example
 * const page = await searchEvents(db, { tenant: 'acme', type: 'order.*', status: 'dead_lettered', limit: 50 });
 */
export async function searchEvents(db: Kysely<Database>, search: EventSearch): Promise<EventSummary[]> {
  let query = db.selectFrom('outbox.events').select(SUMMARY).orderBy('id', 'desc').limit(search.limit);
  if (search.tenant !== undefined) query = query.where('tenant_id', '=', search.tenant);
  if (search.type !== undefined && search.type !== '*') query = query.where(sql<boolean>`event_type LIKE ${patternToLike(search.type)}`);
  if (search.status !== undefined) query = query.where('status', '=', search.status);
  if (search.since !== undefined) query = query.where('created_at', '>=', search.since);
  if (search.until !== undefined) query = query.where('created_at', '<', search.until);
  if (search.correlationId !== undefined) query = query.where('correlation_id', '=', search.correlationId);
  if (search.idempotencyKey !== undefined) query = query.where('idempotency_key', '=', search.idempotencyKey);
  if (search.aggregateType !== undefined) query = query.where('aggregate_type', '=', search.aggregateType);
  if (search.aggregateId !== undefined) query = query.where('aggregate_id', '=', search.aggregateId);
  if (search.beforeId !== undefined) query = query.where('id', '<', search.beforeId);
  return query.execute();
}

/** One event with its payload and, per subscription, how its delivery stands. */
export interface EventDetail extends EventSummary {
  payload: unknown;
  routes: {
    subscription: string;
    attempts: number;
    lastOutcome: string;
    lastStatusCode: number | null;
    lastError: string | null;
    lastAttemptAt: Date;
    openDeadLetterId: string | null;
  }[];
}

/**
 * An event by id, with its routes as the attempt log and dead letters tell them; undefined when
 * there is none (or the caller's scope cannot see it).
 *
 * @example
 * const event = await readEvent(db, '42');
 */
export async function readEvent(db: Kysely<Database>, id: string): Promise<EventDetail | undefined> {
  const event = await db
    .selectFrom('outbox.events')
    .select([...SUMMARY, 'payload'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!event) return undefined;
  const { rows } = await sql<{
    subscription: string;
    attempts: string;
    outcome: string;
    status_code: number | null;
    error: string | null;
    attempted_at: Date;
    dead_letter_id: string | null;
  }>`
    SELECT coalesce(s.name, last.subscription_id::text, '(removed)') AS subscription, last.attempts, last.outcome, last.status_code, last.error, last.attempted_at,
           (SELECT d.id::text FROM outbox.dead_letters d WHERE d.event_id = last.event_id AND d.subscription_id = last.subscription_id AND d.resolved_at IS NULL LIMIT 1) AS dead_letter_id
      FROM (SELECT DISTINCT ON (subscription_id) event_id, subscription_id, outcome, status_code, error, attempted_at,
                   count(*) OVER (PARTITION BY subscription_id) AS attempts
              FROM outbox.deliveries WHERE event_id = ${id} ORDER BY subscription_id, id DESC) last
      LEFT JOIN outbox.subscriptions s ON s.id = last.subscription_id
     ORDER BY 1`.execute(db);
  return {
    ...event,
    routes: rows.map((row) => ({
      subscription: row.subscription,
      attempts: Number(row.attempts),
      lastOutcome: row.outcome,
      lastStatusCode: row.status_code,
      lastError: row.error,
      lastAttemptAt: row.attempted_at,
      openDeadLetterId: row.dead_letter_id,
    })),
  };
}
