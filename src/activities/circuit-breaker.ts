import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { emitOperationalEvent, OPERATIONAL_EVENT } from './operational-events.js';

/** Breaker settings, from OUTBOX_BREAKER_* and OUTBOX_ENDPOINT_DISABLE_AFTER. */
export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker fails fast before letting one probe through. */
  cooldownMs: number;
  /** A subscription whose endpoint has failed continuously this long is disabled; 0: never. */
  disableAfterMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  failureThreshold: 10,
  cooldownMs: 30_000,
  disableAfterMs: 5 * 24 * 60 * 60_000,
};

/**
 * How long an endpoint seen healthy is trusted without reading its breaker again (see
 * CircuitBreakers.healthyUntil): at most this long, a worker keeps sending to an endpoint whose
 * breaker another worker has just opened.
 */
export const HEALTHY_FOR_MS = 1_000;

/** What the breaker lets an attempt do. */
export type Admission =
  | { verdict: 'send'; probe: boolean; hadFailures: boolean }
  | {
      verdict: 'fail-fast';
      /** When the next probe may go (or the running one's lease ends). */
      probeInMs: number;
      /** When this attempt should come back: after the probe, spread over one cooldown. */
      retryInMs: number;
      failures: number;
      openedAt: Date | null;
      lastError: string | null;
    };

/**
 * Circuit breakers per target endpoint, kept in outbox.circuit_breakers so every worker shares
 * them. Closed: attempts go through and failures are counted. Open: attempts fail fast (no
 * network call) until the cooldown ends; then exactly one attempt, claimed with a conditional
 * UPDATE, goes through as the half-open probe. Its success closes the breaker, its failure
 * opens it for another cooldown.
 */
export class CircuitBreakers {
  /**
   * Endpoints this process saw healthy (closed, no failures) within HEALTHY_FOR_MS: their next
   * attempts skip the breaker's read, one statement less per delivery on the happy path. A
   * failure seen here forgets the endpoint at once; one recorded by another worker is seen
   * here within HEALTHY_FOR_MS.
   */
  private readonly healthyUntil = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    readonly settings: BreakerSettings,
  ) {}

  /** Decides whether this attempt may reach the endpoint. `leaseMs` bounds a probe that never reports back. */
  async admit(endpoint: string, leaseMs: number): Promise<Admission> {
    const healthy = this.healthyUntil.get(endpoint);
    if (healthy !== undefined) {
      if (healthy > Date.now()) return { verdict: 'send', probe: false, hadFailures: false };
      this.healthyUntil.delete(endpoint);
    }
    const row = await this.db
      .selectFrom('outbox.circuit_breakers')
      .select([
        'state',
        'consecutive_failures',
        'opened_at',
        'last_error',
        sql<number>`extract(epoch FROM next_probe_at - clock_timestamp()) * 1000`.as('probe_in_ms'),
        sql<number>`extract(epoch FROM clock_timestamp() - probe_started_at) * 1000`.as('probe_age_ms'),
      ])
      .where('endpoint', '=', endpoint)
      .executeTakeFirst();
    if (!row || row.state === 'closed') {
      const hadFailures = (row?.consecutive_failures ?? 0) > 0;
      if (!hadFailures) this.healthyUntil.set(endpoint, Date.now() + HEALTHY_FOR_MS);
      return { verdict: 'send', probe: false, hadFailures };
    }

    const claimable = row.state === 'open' ? Number(row.probe_in_ms) <= 0 : Number(row.probe_age_ms) > leaseMs;
    if (claimable) {
      const claimed = await this.db
        .updateTable('outbox.circuit_breakers')
        .set({ state: 'half_open', probe_started_at: sql`clock_timestamp()`, updated_at: sql`clock_timestamp()` })
        .where('endpoint', '=', endpoint)
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'open'), eb('next_probe_at', '<=', sql<Date>`clock_timestamp()`)]),
            eb.and([eb('state', '=', 'half_open'), eb('probe_started_at', '<', sql<Date>`clock_timestamp() - make_interval(secs => ${leaseMs / 1000})`)]),
          ]),
        )
        .returning('endpoint')
        .executeTakeFirst();
      if (claimed) return { verdict: 'send', probe: true, hadFailures: true };
    }
    // While another attempt probes, check back after a cooldown (or when its lease ends, if sooner).
    const probeInMs =
      row.state === 'open' ? Math.max(Number(row.probe_in_ms), 1_000) : Math.max(Math.min(this.settings.cooldownMs, leaseMs - Number(row.probe_age_ms)), 1_000);
    // Not all at the probe's moment: every attempt the open breaker turned away would come back
    // in the same second (thousands, in a flood), saturate the workers and Temporal and delay
    // every other tenant's deliveries. Spread over the cooldown after it, they return at a
    // trickle, and a recovered endpoint gets its backlog back gradually.
    const retryInMs = probeInMs + Math.round(Math.random() * this.settings.cooldownMs);
    return { verdict: 'fail-fast', probeInMs, retryInMs, failures: row.consecutive_failures, openedAt: row.opened_at, lastError: row.last_error };
  }

  /** The endpoint answered: close the breaker (written only if it had failures). */
  async recordSuccess(
    endpoint: string,
    admission: Admission,
    about?: { tenant: string; eventType: string; subscription: string; endpoint: string },
  ): Promise<void> {
    if (admission.verdict !== 'send' || !admission.hadFailures) return;
    await this.db.transaction().execute(async (trx) => {
      // Only the caller that closes an open breaker tells the tenant (outbox.endpoint.recovered).
      const before = await trx
        .selectFrom('outbox.circuit_breakers')
        .select(['state', sql<string | null>`(extract(epoch FROM opened_at) * 1000)::bigint::text`.as('opened')])
        .where('endpoint', '=', endpoint)
        .forUpdate()
        .executeTakeFirst();
      await this.close(trx, endpoint);
      if (about && before && before.state !== 'closed') {
        await emitOperationalEvent(
          trx,
          about,
          OPERATIONAL_EVENT.endpointRecovered,
          `${createHash('sha256').update(endpoint).digest('hex').slice(0, 24)}:${before.opened ?? 'unknown'}`,
          { subscription: about.subscription, endpoint: about.endpoint },
        );
      }
    });
  }

  private async close(db: Kysely<Database>, endpoint: string): Promise<void> {
    await db
      .updateTable('outbox.circuit_breakers')
      .set({
        state: 'closed',
        consecutive_failures: 0,
        failing_since: null,
        opened_at: null,
        next_probe_at: null,
        probe_started_at: null,
        last_error: null,
        updated_at: sql`clock_timestamp()`,
      })
      .where('endpoint', '=', endpoint)
      .execute();
  }

  /**
   * The endpoint failed: count it, and open the breaker at the threshold (or reopen it after a
   * failed probe). Returns how long the endpoint has been failing, for auto-disable. With the
   * subscription whose attempt failed, the same statement records which breaker that
   * subscription answers to, so the relay can hold its events while the breaker is open
   * (outbox.held_for, migration 0030).
   */
  async recordFailure(endpoint: string, error: string, probe: boolean, subscriptionId?: string): Promise<{ failingForMs: number; failures: number }> {
    this.healthyUntil.delete(endpoint);
    const { threshold, cooldown } = { threshold: this.settings.failureThreshold, cooldown: this.settings.cooldownMs / 1000 };
    const result = await sql<{ failing_for_ms: number; consecutive_failures: number }>`
      WITH mapped AS (
        INSERT INTO outbox.subscription_breakers AS m (subscription_id, endpoint)
        SELECT s.id, ${endpoint} FROM outbox.subscriptions s WHERE s.id = ${subscriptionId ?? null}::bigint
        ON CONFLICT (subscription_id) DO UPDATE SET endpoint = EXCLUDED.endpoint WHERE m.endpoint <> EXCLUDED.endpoint
      )
      INSERT INTO outbox.circuit_breakers AS b (endpoint, state, consecutive_failures, failing_since, last_error, opened_at, next_probe_at)
      VALUES (${endpoint},
              CASE WHEN ${threshold}::int <= 1 THEN 'open' ELSE 'closed' END, 1, clock_timestamp(), ${error},
              CASE WHEN ${threshold}::int <= 1 THEN clock_timestamp() END,
              CASE WHEN ${threshold}::int <= 1 THEN clock_timestamp() + make_interval(secs => ${cooldown}) END)
      ON CONFLICT (endpoint) DO UPDATE SET
        consecutive_failures = b.consecutive_failures + 1,
        failing_since = coalesce(b.failing_since, clock_timestamp()),
        last_error = EXCLUDED.last_error,
        state = CASE WHEN ${probe} OR b.consecutive_failures + 1 >= ${threshold}::int THEN 'open' ELSE b.state END,
        opened_at = CASE WHEN b.state = 'closed' AND b.consecutive_failures + 1 >= ${threshold}::int THEN clock_timestamp() ELSE b.opened_at END,
        next_probe_at = CASE WHEN ${probe} OR b.consecutive_failures + 1 >= ${threshold}::int
                             THEN clock_timestamp() + make_interval(secs => ${cooldown}) ELSE b.next_probe_at END,
        probe_started_at = NULL,
        updated_at = clock_timestamp()
      RETURNING extract(epoch FROM clock_timestamp() - failing_since)::float8 * 1000 AS failing_for_ms, consecutive_failures`.execute(this.db);
    const row = result.rows[0];
    return { failingForMs: Number(row?.failing_for_ms ?? 0), failures: row?.consecutive_failures ?? 1 };
  }
}
