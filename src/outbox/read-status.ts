import { sql, type Kysely } from 'kysely';
import type { CircuitState, Database, EventStatus } from '../db/database.js';
import { DEFAULT_TENANT_WINDOW, type AdmissionWindow } from './admission-window.js';
import { readHeldTenants, type AdmissionNow, type HeldTenant } from './read-held-tenants.js';
import { readOrphanedLanes, type OrphanedLane } from './orphaned-lanes.js';
import { readEndpointsInFlight, type EndpointInFlight } from './read-endpoints-in-flight.js';

/** The outbox at a glance, as `outbox status` prints it. */
export interface OutboxStatus {
  /** Committed events not yet handed to Temporal (held ones included). */
  pending: number;
  /** Of those, held because every endpoint they go to has an open breaker (see `breakers[].held`). */
  held: number;
  /** Age of the oldest pending event in seconds (the relay's lag); null when none is pending. */
  oldestPendingAgeSeconds: number | null;
  /** Events by status (every status present, zero when none). */
  byStatus: Record<EventStatus, number>;
  /** Dead letters waiting for an operator. */
  openDeadLetters: number;
  /** Age of the oldest open dead letter in seconds; null when none. */
  oldestDeadLetterAgeSeconds: number | null;
  /** Circuit breakers that are open, half-open, or counting failures. */
  breakers: {
    endpoint: string;
    state: CircuitState;
    consecutiveFailures: number;
    failingSince: Date | null;
    nextProbeAt: Date | null;
    lastError: string | null;
    /** Pending events held, not started, until this breaker lets deliveries through (migration 0030). */
    held: number;
  }[];
  /** Subscriptions that are disabled, with why. */
  disabledSubscriptions: { name: string; reason: string | null }[];
  /**
   * Ordered lanes held by a dead letter: the aggregate's later events wait until it is retried
   * or discarded (`waiting` of them so far).
   */
  blockedLanes: { subscription: string; tenant: string; orderingKey: string; blockedByEventId: string; deadLetterId: string; waiting: number }[];
  /**
   * Lane places still open although their event is finished: the aggregate's later events wait
   * behind them until the relay's next sweep releases them (see releaseOrphanedLanes).
   */
  orphanedLanes: OrphanedLane[];
  /** The admission budget, the tenants sharing it now and each one's window (see readHeldTenants). */
  admission: AdmissionNow;
  /** Tenants whose admission window is full: their pending events wait (see readHeldTenants). */
  heldTenants: HeldTenant[];
  /**
   * Endpoints with sends in flight in the running workers, or held back from the fast first
   * pass (slow or busy), as the workers last reported (see readEndpointsInFlight).
   */
  endpoints: EndpointInFlight[];
}

/**
 * Reads backlog, lag and counts by status. Pending and dispatched use their partial indexes;
 * the per-status totals scan the table, which is fine for an operator command.
 *
 * @example
 * const status = await readOutboxStatus(db, config.relay.tenantWindow);
 * console.log(`${status.pending} pending, lag ${status.oldestPendingAgeSeconds ?? 0}s`);
 */
export async function readOutboxStatus(db: Kysely<Database>, window: AdmissionWindow = DEFAULT_TENANT_WINDOW): Promise<OutboxStatus> {
  const [held, oldest, counts, deadLetters, breakers, disabled, blocked, admitting, orphanedLanes, endpoints] = await Promise.all([
    db
      .selectFrom('outbox.events')
      .select(sql<string>`count(*)`.as('count'))
      .where('status', '=', 'pending')
      .where('held_for', 'is not', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox.events')
      .select(sql<number>`extract(epoch from clock_timestamp() - created_at)::float8`.as('age'))
      .where('status', '=', 'pending')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('outbox.events')
      .select(['status', sql<string>`count(*)`.as('count')])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('outbox.dead_letters')
      .select([sql<string>`count(*)`.as('count'), sql<number | null>`extract(epoch from clock_timestamp() - min(created_at))::float8`.as('age')])
      .where('resolved_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox.circuit_breakers as b')
      .select(['b.endpoint', 'b.state', 'b.consecutive_failures', 'b.failing_since', 'b.next_probe_at', 'b.last_error'])
      .select(
        sql<string>`(SELECT count(*) FROM outbox.events e WHERE e.status = 'pending' AND e.held_for IS NOT NULL AND b.endpoint = ANY (e.held_for))`.as('held'),
      )
      .where((eb) => eb.or([eb('b.state', '<>', 'closed'), eb('b.consecutive_failures', '>', 0)]))
      .orderBy('b.endpoint')
      .execute(),
    db.selectFrom('outbox.subscriptions').select(['name', 'disabled_reason']).where('enabled', '=', false).orderBy('name').execute(),
    sql<{ subscription: string; tenant: string; ordering_key: string; event_id: string; dead_letter_id: string; waiting: string }>`
      SELECT s.name AS subscription, head.tenant_id AS tenant, head.ordering_key, head.event_id, d.id AS dead_letter_id,
             (SELECT count(*) FROM outbox.ordered_deliveries w
               WHERE w.subscription_id = head.subscription_id AND w.tenant_id = head.tenant_id
                 AND w.ordering_key = head.ordering_key AND w.state = 'waiting') AS waiting
        FROM outbox.dead_letters d
        JOIN outbox.ordered_deliveries head ON head.event_id = d.event_id AND head.subscription_id = d.subscription_id AND head.state <> 'done'
        JOIN outbox.subscriptions s ON s.id = head.subscription_id
       WHERE d.resolved_at IS NULL
       ORDER BY d.id`.execute(db),
    readHeldTenants(db, window),
    readOrphanedLanes(db),
    readEndpointsInFlight(db),
  ]);
  const byStatus: Record<EventStatus, number> = { pending: 0, dispatched: 0, delivered: 0, dead_lettered: 0, discarded: 0, expired: 0, compensated: 0 };
  for (const row of counts) byStatus[row.status] = Number(row.count);
  return {
    pending: byStatus.pending,
    held: Number(held.count),
    oldestPendingAgeSeconds: oldest ? Number(oldest.age) : null,
    byStatus,
    openDeadLetters: Number(deadLetters.count),
    oldestDeadLetterAgeSeconds: deadLetters.age === null ? null : Number(deadLetters.age),
    breakers: breakers.map((row) => ({
      endpoint: row.endpoint,
      state: row.state,
      consecutiveFailures: row.consecutive_failures,
      failingSince: row.failing_since,
      nextProbeAt: row.next_probe_at,
      lastError: row.last_error,
      held: Number(row.held),
    })),
    disabledSubscriptions: disabled.map((row) => ({ name: row.name, reason: row.disabled_reason })),
    blockedLanes: blocked.rows.map((row) => ({
      subscription: row.subscription,
      tenant: row.tenant,
      orderingKey: row.ordering_key,
      blockedByEventId: row.event_id,
      deadLetterId: row.dead_letter_id,
      waiting: Number(row.waiting),
    })),
    orphanedLanes,
    admission: admitting.admission,
    heldTenants: admitting.heldTenants,
    endpoints,
  };
}
