import type pg from 'pg';

/**
 * A tenant's admission window: how much of its work may be inside Temporal and the workers at
 * once. At most `maxUnfinished` of its events started in the last `windowMs` may be unfinished;
 * its further events wait in PostgreSQL, where waiting costs nothing, not in Temporal's queues
 * and the workers, where they would be ahead of every other tenant's.
 *
 * `maxUnfinished` is a budget shared by the tenants sending: a tenant alone gets all of it, and
 * when others send too, each gets an equal part (tenantWindowFor), never less than
 * `minUnfinished`. On two cores, what another tenant's events wait for under a flood is the
 * flooding tenant's work itself (CPU shared by the engine, Temporal and PostgreSQL), so the
 * part of the engine one tenant may fill must shrink when another needs it.
 */
export interface AdmissionWindow {
  /** The budget: a tenant's unfinished events started within `windowMs`, at most, while it is the only tenant sending. */
  maxUnfinished: number;
  /** However many tenants send, each may have this many (or `maxUnfinished`, if lower). */
  minUnfinished: number;
  windowMs: number;
}

/**
 * 50 unfinished events started in the last 5 s, shared by the tenants sending, at least 10 each.
 * Measured with the bench's noisy-neighbour scenario (README *Flow control*): a tenant alone
 * keeps a 2 s endpoint at 25 events/s (a 100 ms one at 500/s); with a second tenant sending,
 * the flooding one gets 25, which (with the pace) kept the other's p99 at 1.2–1.6× its lag
 * alone; a fixed 50 gave 1.6–1.8× on a fast machine and went beyond 250 ms on slower ones,
 * where the flooding tenant's work filled both cores. Events that live longer (retrying, a slower endpoint) stop counting after 5 s, so a
 * tenant always gets at least 2 new events a second; events waiting for their turn in an
 * ordered lane or for a rate-limit slot do not count at all (they cost nothing while they wait).
 */
export const DEFAULT_TENANT_WINDOW: AdmissionWindow = { maxUnfinished: 50, minUnfinished: 10, windowMs: 5_000 };

/**
 * The admission window from its settings, the default's for those not given. Without a
 * minimum, the default's, unless the budget is smaller than that (then it is not shared: each
 * tenant keeps all of it).
 *
 * @example
 * admissionWindowOf(50, undefined, 5_000); // { maxUnfinished: 50, minUnfinished: 10, windowMs: 5000 }
 */
export function admissionWindowOf(budget = DEFAULT_TENANT_WINDOW.maxUnfinished, minimum?: number, windowMs = DEFAULT_TENANT_WINDOW.windowMs): AdmissionWindow {
  return { maxUnfinished: budget, minUnfinished: minimum ?? Math.min(DEFAULT_TENANT_WINDOW.minUnfinished, budget), windowMs };
}

/**
 * Each tenant's window when `sendingTenants` tenants send (see countSendingTenants): an equal
 * part of the budget, never below the minimum. The one place that shares the budget; the relay
 * claims with it and `outbox status` reports it.
 *
 * @example
 * tenantWindowFor(DEFAULT_TENANT_WINDOW, 1); // 50
 * tenantWindowFor(DEFAULT_TENANT_WINDOW, 2); // 25
 * tenantWindowFor(DEFAULT_TENANT_WINDOW, 9); // 10
 */
export function tenantWindowFor(window: Pick<AdmissionWindow, 'maxUnfinished' | 'minUnfinished'>, sendingTenants: number): number {
  const floor = Math.min(window.minUnfinished, window.maxUnfinished);
  return Math.max(floor, Math.ceil(window.maxUnfinished / Math.max(1, sendingTenants)));
}

/**
 * A tenant's share of one batch when none is set: a fifth of its admission window (10 of 50,
 * 5 of 25), at most a quarter of the batch. A tenant is in one batch at a time, so when its
 * slow deliveries answer together and free its window at once, the refill goes out over five
 * batches, with other tenants' batches between them, rather than as one burst of work that
 * every other tenant waits behind. Measured with the noisy-neighbour bench (README *Flow
 * control*): B's p99 while A floods 64–84 ms with 10, 103–151 ms with 50; the single-tenant
 * drain was no slower.
 *
 * @example
 * defaultTenantShare(200, 50); // 10
 */
export function defaultTenantShare(batchSize: number, window: number): number {
  return Math.max(1, Math.min(Math.ceil(batchSize / 4), Math.ceil(window / 5)));
}

/**
 * A tenant's unfinished events in its admission window, counted up to `max`: dispatched within
 * the last `seconds`, and not waiting for a turn in an ordered lane or for a rate-limit slot. The one definition, used by
 * the claim and by `outbox status`. Arguments are SQL: a column, parameters or literals.
 */
export function unfinishedInWindowSql(tenant: string, max: string, seconds: string): string {
  return `(SELECT count(*) FROM (
                 SELECT 1 FROM outbox.events d
                  WHERE d.status = 'dispatched' AND d.tenant_id = ${tenant}
                    AND d.dispatched_at > clock_timestamp() - make_interval(secs => ${seconds})
                    AND (d.parked_until IS NULL OR d.parked_until <= clock_timestamp())
                    AND NOT EXISTS (SELECT 1 FROM outbox.ordered_deliveries o WHERE o.event_id = d.id AND o.state = 'waiting')
                  LIMIT ${max}) unfinished)`;
}

/**
 * The tenants sending: those with an event started (dispatched) within the last `seconds`,
 * whether it is still in flight or already finished. Two index reads: the in-flight rows
 * (events_dispatched_tenant_idx) and the rows finished within the window (events_finished_idx),
 * so its cost follows the recent traffic, not the table's size. The one definition, used by the
 * relay (once a second beside its claims, in RelaySweeps, not in them) and by `outbox status`.
 * `seconds` is SQL: a parameter or a literal.
 */
export function sendingTenantsSql(seconds: string): string {
  return `SELECT count(*)::int AS sending FROM (
       SELECT tenant_id FROM outbox.events
        WHERE status = 'dispatched' AND dispatched_at > clock_timestamp() - make_interval(secs => ${seconds})
       UNION
       SELECT tenant_id FROM outbox.events
        WHERE status IN ('delivered', 'discarded', 'expired', 'compensated')
          AND finished_at > clock_timestamp() - make_interval(secs => ${seconds})
          AND dispatched_at > clock_timestamp() - make_interval(secs => ${seconds})) sending`;
}

/**
 * How many tenants are sending now (see sendingTenantsSql).
 *
 * @example
 * const window = tenantWindowFor(DEFAULT_TENANT_WINDOW, await countSendingTenants(pool, 5_000));
 */
export async function countSendingTenants(db: pg.Pool | pg.ClientBase, windowMs: number): Promise<number> {
  const { rows } = await db.query<{ sending: number }>(sendingTenantsSql('$1'), [windowMs / 1000]);
  return rows[0]?.sending ?? 0;
}
