import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** One endpoint as the running workers see it (see EndpointReporter). */
export interface EndpointInFlight {
  subscription: string;
  tenant: string;
  /** Sends to it under way now, in all workers (first pass and regular activities). */
  inFlight: number;
  /** Of those, first-pass sends (inside a workflow task). */
  firstPass: number;
  /** Why its first attempts go as regular activities now, in at least one worker: slow or busy. */
  heldBack?: 'slow' | 'busy';
  /** The slowest recent average answer time among the workers, ms. */
  averageMs: number;
  /** Workers that reported it. */
  workers: number;
}

/**
 * Sums the workers' endpoint reports younger than `staleAfterMs` (a worker that died stops
 * refreshing its row and drops out), per subscription, busiest first. An endpoint any worker
 * holds back is shown held back, with the reason most workers give.
 *
 * @example
 * const endpoints = await readEndpointsInFlight(db);
 * for (const e of endpoints) console.log(`${e.subscription}: ${e.inFlight} in flight${e.heldBack ? `, held back (${e.heldBack})` : ''}`);
 */
export async function readEndpointsInFlight(db: Kysely<Database>, staleAfterMs = 20_000): Promise<EndpointInFlight[]> {
  const { rows } = await sql<{
    name: string;
    tenant_id: string;
    in_flight: string;
    first_pass: string;
    held_back: 'slow' | 'busy' | null;
    average_ms: number;
    workers: string;
  }>`
    SELECT s.name, s.tenant_id,
           sum((e->>'sending')::int) AS in_flight,
           sum((e->>'inFlight')::int) AS first_pass,
           mode() WITHIN GROUP (ORDER BY e->>'deferred') AS held_back,
           max((e->>'averageMs')::int) AS average_ms,
           count(*) AS workers
      FROM outbox.endpoint_reports r
      CROSS JOIN LATERAL jsonb_array_elements(r.endpoints) e
      JOIN outbox.subscriptions s ON s.id = (e->>'subscriptionId')::bigint
     WHERE r.reported_at > clock_timestamp() - make_interval(secs => ${staleAfterMs / 1000})
     GROUP BY s.name, s.tenant_id
     ORDER BY in_flight DESC, s.name`.execute(db);
  return rows.map((row) => ({
    subscription: row.name,
    tenant: row.tenant_id,
    inFlight: Number(row.in_flight),
    firstPass: Number(row.first_pass),
    ...(row.held_back && { heldBack: row.held_back }),
    averageMs: row.average_ms,
    workers: Number(row.workers),
  }));
}
