import type pg from 'pg';

import type { DeliverableEvent } from './start-delivery-workflow.js';

/** The columns the relay needs to start a workflow; the payload stays in the database. */
export type ClaimedEvent = DeliverableEvent;

/**
 * Claims up to `limit` pending events, oldest first, for the caller's open transaction.
 *
 * `FOR UPDATE SKIP LOCKED` is what makes several relays safe: a row another relay is
 * dispatching is skipped instead of waited for, so relays never block each other and never
 * hold the same event at once. Rows of transactions that have not committed are invisible, so
 * only committed events are claimed; rolled-back ones never exist. The locks last until the
 * caller commits (after marking the rows dispatched) or dies (then the rows are simply pending
 * again and the next claim restarts them, which is harmless: workflow ids are derived from the
 * events, so Temporal refuses a second start). The partial index on pending rows keeps this
 * query's cost independent of how many delivered rows the table holds.
 */
export async function claimPendingEvents(client: pg.ClientBase, limit: number): Promise<ClaimedEvent[]> {
  const { rows } = await client.query<ClaimedEvent>(CLAIM_PENDING_EVENTS_SQL, [limit]);
  return rows;
}

/** The claim statement itself ($1 = batch size), exported so tests can EXPLAIN exactly it. */
export const CLAIM_PENDING_EVENTS_SQL = `SELECT id::text, tenant_id, event_type, idempotency_key, workflow_id, correlation_id, traceparent,
          (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_at_us
     FROM outbox.events
    WHERE status = 'pending'
    ORDER BY id
    LIMIT $1
      FOR UPDATE SKIP LOCKED`;
