import type pg from 'pg';

/**
 * How often the relay releases held events whose breaker closed or lets a probe through. A
 * closed breaker's events wait at most this long (plus a claim) to go again.
 */
export const HELD_RELEASE_INTERVAL_MS = 1_000;

/** Held events released by one statement, at most: a large backlog goes over a few sweeps. */
const RELEASE_LIMIT = 5_000;

/**
 * Holds claimed events in PostgreSQL instead of starting them: each gets the breakers it waits
 * for (outbox.held_for, migration 0030, worked out again here in the claim's transaction, so an
 * event whose breaker closed since the claim is simply left pending for the next one). A held
 * event stays `pending` and out of the claim's index until releaseHeldEvents lets it go.
 *
 * @example
 * await holdEvents(client, ['42', '43']);
 */
export async function holdEvents(client: pg.ClientBase, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `UPDATE outbox.events SET held_for = outbox.held_for(tenant_id, event_type, targets)
      WHERE id = ANY ($1::bigint[]) AND status = 'pending'`,
    [ids],
  );
}

/**
 * Releases held events (sets `held_for` back to NULL, so the claim sees them again, before the
 * tenant's later events):
 * - all the events of a breaker that closed, is gone, or whose probe has hung for five minutes,
 *   and of one a disabled subscription answers to (they go on to be dead-lettered, as every
 *   delivery to a disabled subscription is, for `subscriptions enable` + `dlq retry` to redrive),
 *   and of one no subscription answers to any more (its subscriptions were removed, or their
 *   targets changed: the events go on to their routes as they are now);
 * - the oldest event of a breaker whose probe is due: it is started and becomes the probe, and
 *   its success closes the breaker and releases the rest. Releasing them all at the probe's
 *   moment would start each of them only to be turned away by the breaker again.
 * An event held for several breakers goes when any of them lets it.
 *
 * One statement; it reads every held event's breakers (through the index on held events), so
 * the relay runs it every HELD_RELEASE_INTERVAL_MS beside its claims, not in their path.
 * Returns how many it released.
 *
 * @example
 * const released = await releaseHeldEvents(pool);
 */
export async function releaseHeldEvents(db: pg.Pool | pg.ClientBase): Promise<number> {
  const { rowCount } = await db.query(RELEASE_HELD_EVENTS_SQL, [RELEASE_LIMIT]);
  return rowCount ?? 0;
}

const RELEASE_HELD_EVENTS_SQL = `WITH held AS (
       SELECT h.id, k.endpoint, b.state, b.next_probe_at, b.probe_started_at
         FROM outbox.events h
        CROSS JOIN LATERAL unnest(h.held_for) AS k (endpoint)
         LEFT JOIN outbox.circuit_breakers b ON b.endpoint = k.endpoint
        WHERE h.status = 'pending' AND h.held_for IS NOT NULL
     ), free AS (
       SELECT id FROM held
        WHERE state IS NULL OR state = 'closed'
           OR (state = 'half_open' AND probe_started_at <= clock_timestamp() - interval '5 minutes')
           OR EXISTS (SELECT 1 FROM outbox.subscription_breakers m JOIN outbox.subscriptions s ON s.id = m.subscription_id
                       WHERE m.endpoint = held.endpoint AND NOT s.enabled)
           OR NOT EXISTS (SELECT 1 FROM outbox.subscription_breakers m WHERE m.endpoint = held.endpoint)
     ), probe AS (
       SELECT DISTINCT ON (endpoint) id FROM held
        WHERE state = 'open' AND next_probe_at <= clock_timestamp()
        ORDER BY endpoint, id
     )
     UPDATE outbox.events e SET held_for = NULL
      WHERE e.id IN (SELECT id FROM (SELECT id FROM free UNION SELECT id FROM probe) released ORDER BY id LIMIT $1)
        AND e.status = 'pending' AND e.held_for IS NOT NULL`;
