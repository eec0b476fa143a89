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

function selectCandidates(db: Kysely<Database>, selection: ReplaySelection) {
  let query = db
    .selectFrom('outbox.events')
    .where('created_at', '>=', selection.since)
    .where('created_at', '<', selection.until)
    .where('status', '<>', 'pending');
  if (selection.tenant !== '*') query = query.where('tenant_id', '=', selection.tenant);
  if (selection.events !== '*') query = query.where(sql<boolean>`event_type LIKE ${patternToLike(selection.events)}`);
  if (selection.correlationId) query = query.where('correlation_id', '=', selection.correlationId);
  return query;
}

/**
 * Events created in [since, until) that match the selection, oldest first (at most `limit`,
 * after `afterId`: one page). Pending events are left out: the relay has not delivered them yet
 * and will.
 *
 * @example
 * const events = await findReplayEvents(db, { tenant: 'acme', events: 'order.*', since, until });
 */
export async function findReplayEvents(
  db: Kysely<Database>,
  selection: ReplaySelection,
  page: { afterId?: string; limit?: number } = {},
): Promise<ReplayCandidate[]> {
  let query = selectCandidates(db, selection).select([
    sql<string>`id::text`.as('id'),
    'tenant_id',
    'event_type',
    'idempotency_key',
    'workflow_id',
    'correlation_id',
    sql<string>`(extract(epoch FROM created_at) * 1000000)::bigint::text`.as('created_at_us'),
    'status',
    'created_at',
  ]);
  if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
  if (page.limit !== undefined) query = query.limit(page.limit);
  return query.orderBy('id').execute();
}

/**
 * How many events the selection matches, counting no further than `cap + 1`: a dry run over a
 * tenant with millions of events reads at most that many index entries, never the rows.
 *
 * @example
 * const n = await countReplayEvents(db, selection, 10_000); // 10 001 means "more than 10 000"
 */
export async function countReplayEvents(db: Kysely<Database>, selection: ReplaySelection, cap: number): Promise<number> {
  const row = await db
    .selectFrom(
      selectCandidates(db, selection)
        .select(sql`1`.as('one'))
        .limit(cap + 1)
        .as('matched'),
    )
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * The selection's events page by page (oldest first), so a replay holds one page in memory.
 *
 * @example
 * for await (const page of replayEventPages(db, selection)) await replayEvents(client, page, options);
 */
export async function* replayEventPages(db: Kysely<Database>, selection: ReplaySelection, pageSize = 500): AsyncGenerator<ReplayCandidate[]> {
  let afterId: string | undefined;
  for (;;) {
    const page = await findReplayEvents(db, selection, { ...(afterId && { afterId }), limit: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    afterId = page.at(-1)!.id;
  }
}
