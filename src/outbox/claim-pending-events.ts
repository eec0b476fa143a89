import type pg from 'pg';

import { unfinishedInWindowSql } from './admission-window.js';
import type { DeliverableEvent } from './start-delivery-workflow.js';

/**
 * The columns the relay needs to start a workflow (the payload stays in the database), and
 * `held_for`: the open breakers the event would wait for (outbox.held_for, migration 0030), set
 * when it must not be started but held, NULL otherwise.
 */
export type ClaimedEvent = DeliverableEvent & { held_for: string[] | null };

/** Where a fair claim starts and how much of a batch one tenant may take. */
export interface ClaimShare {
  /** Events of one tenant in one batch, at most. */
  perTenant: number;
  /** Start with the first tenant after this one (round robin across batches); '' for the first. */
  afterTenant: string;
  /**
   * Each tenant's admission window for this claim (see admission-window.ts): at most
   * `maxUnfinished` of its events started in the last `windowMs` may be unfinished; beyond that
   * its events wait in PostgreSQL, not in Temporal's queues and the workers, where they would be
   * ahead of every other tenant's.
   */
  window: { maxUnfinished: number; windowMs: number };
  /**
   * Tenants that get none this time: those of the relay's batches still in flight. A tenant is
   * in one batch at a time, so its window counts all its events that left PostgreSQL's queue and
   * its events start in order, while other tenants' batches go past its slow starts.
   */
  busyTenants?: readonly string[];
}

/**
 * Claims up to `limit` pending events for the caller's open transaction, fairly across tenants:
 * tenants with pending events are visited in order starting after `share.afterTenant`, and each
 * gives at most `share.perTenant` of its oldest events. One tenant's backlog of 10 000 therefore
 * takes a share of each batch, and another tenant's new event waits for one batch, not for the
 * backlog. Within a tenant events are still claimed oldest first (ordered lanes rely on it).
 * A tenant whose recent events are still unfinished beyond its admission window gets none
 * until some finish (events living longer than the window, or waiting in an ordered lane, do
 * not count).
 *
 * `FOR UPDATE SKIP LOCKED` is what makes several relays safe: a row another relay is
 * dispatching is skipped instead of waited for, so relays never block each other and never
 * hold the same event at once. Rows of transactions that have not committed are invisible, so
 * only committed events are claimed; rolled-back ones never exist. The locks last until the
 * caller commits (after marking the rows dispatched) or dies (then the rows are simply pending
 * again and the next claim restarts them, which is harmless: workflow ids are derived from the
 * events, so Temporal refuses a second start). The partial index on pending rows by tenant
 * keeps this query's cost independent of how many delivered rows the table holds.
 */
export async function claimPendingEvents(client: pg.ClientBase, limit: number, share: ClaimShare): Promise<ClaimedEvent[]> {
  const { maxUnfinished, windowMs } = share.window;
  const { rows } = await client.query<ClaimedEvent>(CLAIM_PENDING_EVENTS_SQL, [
    limit,
    share.perTenant,
    share.afterTenant,
    maxUnfinished,
    windowMs / 1000,
    share.busyTenants ?? [],
  ]);
  return rows;
}

/**
 * What a claim says about the next one: the tenants that took their whole share (they have more
 * waiting: the relay paces them while others send), `more` when there are some or the batch
 * was full (so claim again at once), and where the next claim starts: after the last tenant of
 * a full batch (it may have stopped short of some), else from the first tenant.
 *
 * @example
 * const { more, afterTenant, fullTenants } = afterClaim(events, { limit: 200, perTenant: 50 });
 */
export function afterClaim(
  events: readonly Pick<ClaimedEvent, 'tenant_id'>[],
  share: { limit: number; perTenant: number },
): { more: boolean; afterTenant: string; fullTenants: string[] } {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.tenant_id, (counts.get(event.tenant_id) ?? 0) + 1);
  const full = events.length >= share.limit;
  const fullTenants = [...counts].filter(([, count]) => count >= share.perTenant).map(([tenant]) => tenant);
  return { more: full || fullTenants.length > 0, afterTenant: full ? (events.at(-1)?.tenant_id ?? '') : '', fullTenants };
}

/**
 * The claim statement itself ($1 = batch size, $2 = events per tenant, $3 = the tenant to start
 * after, $4 = the admission window's unfinished events, $5 = its length in seconds, $6 = the
 * tenants to leave out), exported so tests can EXPLAIN exactly it. The recursive part walks the
 * index from one tenant with pending events to the next (a loose index scan), at most $1
 * tenants; tenants left out are dropped after the walk, not in it, so the walk stays one index
 * probe per tenant. Held events (`held_for` set) are outside its index (0030), so however many
 * wait for an open breaker, the claim does not read them; whether a claimed event must be held
 * is worked out only while some breaker is not closed (one read of the breakers per claim).
 */
export const CLAIM_PENDING_EVENTS_SQL: string = `WITH RECURSIVE tenants (tenant_id, n) AS (
       (SELECT tenant_id, 1 FROM outbox.events WHERE status = 'pending' AND held_for IS NULL AND tenant_id > $3 ORDER BY tenant_id LIMIT 1)
       UNION ALL
       SELECT next.tenant_id, t.n + 1
         FROM tenants t
        CROSS JOIN LATERAL (SELECT e.tenant_id FROM outbox.events e
                             WHERE e.status = 'pending' AND e.held_for IS NULL AND e.tenant_id > t.tenant_id
                             ORDER BY e.tenant_id LIMIT 1) next
        WHERE t.n < $1
     )
     SELECT claimed.* FROM (SELECT tenant_id, n FROM tenants WHERE tenant_id <> ALL ($6::text[])) t
      CROSS JOIN LATERAL (
        SELECT id::text, tenant_id, event_type, idempotency_key, workflow_id, correlation_id, traceparent,
               (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_at_us,
               CASE WHEN (SELECT EXISTS (SELECT 1 FROM outbox.circuit_breakers WHERE state <> 'closed'))
                    THEN outbox.held_for(e.tenant_id, e.event_type, e.targets) END AS held_for
          FROM outbox.events e
         WHERE e.status = 'pending' AND e.held_for IS NULL AND e.tenant_id = t.tenant_id
         ORDER BY e.id
         LIMIT greatest(0, least($2, $4 - ${unfinishedInWindowSql('t.tenant_id', '$4', '$5')}))
           FOR UPDATE SKIP LOCKED) claimed
      ORDER BY t.n, claimed.id::bigint
      LIMIT $1`;
