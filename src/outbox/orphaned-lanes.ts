import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database, EventStatus } from '../db/database.js';
import { orderedTurnSignal } from '../workflows/definitions.js';

/**
 * A place in an ordered lane that nobody will close: its event is finished (delivered, discarded,
 * expired, compensated), so its workflow is done with it, yet the place is still open and the
 * aggregate's later events wait behind it. Workflows close their places themselves; this is what
 * is left when one did not (a relay batch rolled back under a release before 0023, a lane row
 * written by hand, a workflow terminated from the Temporal UI after it finished the event).
 */
export interface OrphanedLane {
  subscription: string;
  tenant: string;
  orderingKey: string;
  eventId: string;
  eventStatus: EventStatus;
  /** Later events of the lane waiting behind it. */
  waiting: number;
}

/** The finished statuses: a workflow that reached one has nothing left to do in its lanes. */
const FINISHED_SQL = `('delivered', 'discarded', 'expired', 'compensated')`;
const FINISHED = sql.raw(FINISHED_SQL);

/**
 * Lists orphaned lane places, oldest first (for `outbox status`).
 *
 * @example
 * for (const lane of await readOrphanedLanes(db)) console.log(lane.orderingKey, lane.eventId);
 */
export async function readOrphanedLanes(db: Kysely<Database>): Promise<OrphanedLane[]> {
  const { rows } = await sql<{ subscription: string; tenant: string; ordering_key: string; event_id: string; status: EventStatus; waiting: string }>`
    SELECT s.name AS subscription, o.tenant_id AS tenant, o.ordering_key, o.event_id::text AS event_id, e.status,
           (SELECT count(*) FROM outbox.ordered_deliveries w
             WHERE w.subscription_id = o.subscription_id AND w.tenant_id = o.tenant_id
               AND w.ordering_key = o.ordering_key AND w.state = 'waiting' AND w.event_id > o.event_id) AS waiting
      FROM outbox.ordered_deliveries o
      JOIN outbox.events e ON e.id = o.event_id
      JOIN outbox.subscriptions s ON s.id = o.subscription_id
     WHERE o.state <> 'done' AND e.status IN ${FINISHED}
     ORDER BY o.event_id
     LIMIT 100`.execute(db);
  return rows.map((row) => ({
    subscription: row.subscription,
    tenant: row.tenant,
    orderingKey: row.ordering_key,
    eventId: row.event_id,
    eventStatus: row.status,
    waiting: Number(row.waiting),
  }));
}

/**
 * Closes every orphaned lane place and wakes the first event still waiting in each lane it
 * held (that event asks for its turn again; if something else still holds the lane it waits on).
 * Run by the relay every {@link LANE_SWEEP_INTERVAL_MS}. Returns how many places it closed.
 *
 * @example
 * const released = await releaseOrphanedLanes(pool, client);
 */
export async function releaseOrphanedLanes(pool: pg.Pool, client: Client): Promise<number> {
  // The sweep runs in the relay's loop: a lock held on the lane table (a migration, an operator's
  // session) must cost it a second, not the statement timeout during which nothing is dispatched.
  const connection = await pool.connect();
  let rows: { closed: string; subscription_id: string | null; workflow_id: string | null }[];
  try {
    await connection.query('BEGIN');
    await connection.query(`SET LOCAL lock_timeout = '${SWEEP_LOCK_TIMEOUT_MS}ms'`);
    // One statement: close the places, then (from the snapshot before the close, hence the
    // NOT EXISTS) the first waiting event of each lane that is not itself one of the closed.
    ({ rows } = await connection.query<{ closed: string; subscription_id: string | null; workflow_id: string | null }>(`
    WITH closed AS (
      UPDATE outbox.ordered_deliveries o SET state = 'done', updated_at = now()
        FROM outbox.events e
       WHERE e.id = o.event_id AND o.state <> 'done' AND e.status IN ${FINISHED_SQL}
      RETURNING o.subscription_id, o.tenant_id, o.ordering_key, o.event_id
    ), successors AS (
      SELECT DISTINCT ON (w.subscription_id, w.tenant_id, w.ordering_key) w.subscription_id::text AS subscription_id, e.workflow_id
        FROM closed c
        JOIN outbox.ordered_deliveries w
          ON w.subscription_id = c.subscription_id AND w.tenant_id = c.tenant_id AND w.ordering_key = c.ordering_key AND w.state = 'waiting'
        JOIN outbox.events e ON e.id = w.event_id
       WHERE NOT EXISTS (SELECT 1 FROM closed again WHERE again.event_id = w.event_id AND again.subscription_id = w.subscription_id)
       ORDER BY w.subscription_id, w.tenant_id, w.ordering_key, w.event_id
    )
    SELECT (SELECT count(*) FROM closed)::text AS closed, s.subscription_id, s.workflow_id
      FROM (SELECT 1) one LEFT JOIN successors s ON true`));
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
  for (const row of rows) {
    if (!row.workflow_id || !row.subscription_id) continue;
    // Not running (not started yet, or gone): it finds the lane open when it asks.
    await client.workflow
      .getHandle(row.workflow_id)
      .signal(orderedTurnSignal, { subscriptionId: row.subscription_id })
      .catch(() => undefined);
  }
  return Number(rows[0]?.closed ?? 0);
}

/** How long the sweep waits for a lock before it gives up until the next sweep. */
const SWEEP_LOCK_TIMEOUT_MS = 1_000;

/** How often the relay looks for orphaned lane places: one indexed statement per sweep. */
export const LANE_SWEEP_INTERVAL_MS = 30_000;
