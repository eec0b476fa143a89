import { flowControlSchema } from '../subscriptions/subscription-schema.js';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

// Per-endpoint flow control, shared by every worker through PostgreSQL (see the README's
// "Flow control" for why it lives here rather than in Temporal task-queue limits or Redis).

/** A subscription's limits: deliveries per second (with a burst) and deliveries in flight. */
export interface FlowControl {
  ratePerSecond?: number;
  /** Deliveries that may go at once after a quiet spell; the rest are spaced 1/rate apart. */
  burst?: number;
  maxInFlight?: number;
}

/**
 * Two independent reservation clocks per subscription: `admit` paces when workflows start a
 * delivery (they wait on a durable timer, holding nothing), `send` paces the sends themselves
 * inside the activity, so the endpoint sees the rate even when retries or in-flight waits
 * bunch attempts together.
 */
export type ThrottleClock = 'admit' | 'send';

/**
 * Reserves the next slot on a subscription's clock (generic cell rate algorithm): returns how
 * long to wait before going. With `maxWaitMs`, a slot further away than that is not reserved
 * and `reserved` is false (the caller backs off instead of holding a slot it will not use).
 *
 * @example
 * const { waitMs } = await reserveSlot(db, { subscriptionId: '7', clock: 'admit', ratePerSecond: 50, burst: 1 });
 */
export async function reserveSlot(
  db: Kysely<Database>,
  input: { subscriptionId: string; clock: ThrottleClock; ratePerSecond: number; burst?: number; maxWaitMs?: number },
): Promise<{ waitMs: number; reserved: boolean }> {
  const intervalMs = 1000 / input.ratePerSecond;
  const toleranceMs = (Math.max(input.burst ?? 1, 1) - 1) * intervalMs;
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('outbox.endpoint_throttle')
      .values({ subscription_id: input.subscriptionId, clock: input.clock, next_slot_at: sql<Date>`clock_timestamp()` })
      .onConflict((oc) => oc.columns(['subscription_id', 'clock']).doNothing())
      .execute();
    // The row lock serialises concurrent reservations: each worker gets its own slot.
    const current = await sql<{ tat_ms: number; now_ms: number }>`
      SELECT extract(epoch FROM next_slot_at)::float8 * 1000 AS tat_ms, extract(epoch FROM clock_timestamp())::float8 * 1000 AS now_ms
        FROM outbox.endpoint_throttle WHERE subscription_id = ${input.subscriptionId} AND clock = ${input.clock} FOR UPDATE`.execute(trx);
    const { tat_ms: tat, now_ms: now } = current.rows[0]!;
    const goAt = Math.max(now, tat - toleranceMs);
    const waitMs = goAt - now;
    if (input.maxWaitMs !== undefined && waitMs > input.maxWaitMs) return { waitMs, reserved: false };
    const next = Math.max(tat, goAt) + intervalMs;
    await sql`UPDATE outbox.endpoint_throttle SET next_slot_at = to_timestamp(${next / 1000}::float8)
               WHERE subscription_id = ${input.subscriptionId} AND clock = ${input.clock}`.execute(trx);
    return { waitMs, reserved: true };
  });
}

/**
 * Marks an event that will wait for its slot as parked until then, so it does not count against
 * its tenant's admission window while it waits (see unfinishedInWindowSql). Returns the slot.
 *
 * @example
 * const slot = await parkUntilSlot(db, '42', await reserveSlot(db, { subscriptionId: '7', clock: 'admit', ratePerSecond: 5 }));
 */
export async function parkUntilSlot<T extends { waitMs: number }>(db: Kysely<Database>, eventId: string | undefined, slot: T): Promise<T> {
  if (eventId === undefined || slot.waitMs <= 0) return slot;
  await db
    .updateTable('outbox.events')
    .set({ parked_until: sql<Date>`clock_timestamp() + make_interval(secs => ${slot.waitMs / 1000})` })
    .where('id', '=', eventId)
    .execute();
  return slot;
}

/**
 * Takes one of a subscription's `maxInFlight` delivery leases if one is free (expired leases of
 * crashed workers are reclaimed). Returns the lease id, or undefined when all are taken.
 */
export async function tryAcquireLease(
  db: Kysely<Database>,
  input: { subscriptionId: string; maxInFlight: number; ttlMs: number },
): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    // Serialise the count-then-insert per subscription.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`lease:${input.subscriptionId}`}, 0))`.execute(trx);
    await trx
      .deleteFrom('outbox.delivery_leases')
      .where('subscription_id', '=', input.subscriptionId)
      .where('expires_at', '<', sql<Date>`clock_timestamp()`)
      .execute();
    const held = await trx
      .selectFrom('outbox.delivery_leases')
      .select(sql<string>`count(*)`.as('n'))
      .where('subscription_id', '=', input.subscriptionId)
      .executeTakeFirstOrThrow();
    if (Number(held.n) >= input.maxInFlight) return undefined;
    const row = await trx
      .insertInto('outbox.delivery_leases')
      .values({ subscription_id: input.subscriptionId, expires_at: sql<Date>`clock_timestamp() + make_interval(secs => ${input.ttlMs} / 1000.0)` })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

/** Gives a lease back. */
export async function releaseLease(db: Kysely<Database>, leaseId: string): Promise<void> {
  await db.deleteFrom('outbox.delivery_leases').where('id', '=', leaseId).execute();
}

/**
 * Waits (polling PostgreSQL with growing, jittered pauses; heartbeating through `onWait`) until
 * a lease is free or `maxWaitMs` passes. Returns the lease id, or undefined on timeout.
 */
export async function acquireLease(
  db: Kysely<Database>,
  input: { subscriptionId: string; maxInFlight: number; ttlMs: number; maxWaitMs: number; signal?: AbortSignal; onWait?: () => void },
): Promise<string | undefined> {
  const deadline = Date.now() + input.maxWaitMs;
  for (let round = 0; ; round++) {
    const lease = await tryAcquireLease(db, input);
    if (lease) return lease;
    if (Date.now() >= deadline || input.signal?.aborted) return undefined;
    input.onWait?.();
    const pause = Math.min(20 * 2 ** Math.min(round, 4), 250) * (0.5 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(deadline - Date.now(), 0))));
  }
}

/** How long a delivery may wait inside the activity for a lease or a send slot. */
export const IN_ACTIVITY_WAIT_MS = 30_000;

/**
 * Admits one attempt to a flow-controlled subscription: waits for one of its in-flight leases,
 * then for its send slot (both bounded by {@link IN_ACTIVITY_WAIT_MS}, heartbeating meanwhile).
 * Resolves with a `release` to call after the send, or with `throttledMs` when the endpoint
 * stayed saturated that long (the attempt then fails and is retried after that delay).
 */
export async function admitToEndpoint(
  db: Kysely<Database>,
  input: { subscriptionId: string; limits: FlowControl; timeoutMs: number; signal?: AbortSignal; heartbeat?: () => void },
): Promise<{ release: () => Promise<void>; throttledMs?: undefined; reason?: undefined } | { throttledMs: number; reason: string; release?: undefined }> {
  const { limits } = input;
  let lease: string | undefined;
  if (limits.maxInFlight !== undefined) {
    lease = await acquireLease(db, {
      subscriptionId: input.subscriptionId,
      maxInFlight: limits.maxInFlight,
      // Outlives the send; a crashed worker's lease frees itself after this.
      ttlMs: input.timeoutMs + IN_ACTIVITY_WAIT_MS + 10_000,
      maxWaitMs: IN_ACTIVITY_WAIT_MS,
      ...(input.signal && { signal: input.signal }),
      ...(input.heartbeat && { onWait: input.heartbeat }),
    });
    if (!lease) return { throttledMs: 5_000, reason: `all ${limits.maxInFlight} deliveries in flight to this endpoint for ${IN_ACTIVITY_WAIT_MS / 1000}s` };
  }
  const release = async () => {
    if (lease) await releaseLease(db, lease);
  };
  if (limits.ratePerSecond !== undefined) {
    const slot = await reserveSlot(db, {
      subscriptionId: input.subscriptionId,
      clock: 'send',
      ratePerSecond: limits.ratePerSecond,
      ...(limits.burst !== undefined && { burst: limits.burst }),
      maxWaitMs: IN_ACTIVITY_WAIT_MS,
    });
    if (!slot.reserved) {
      await release();
      return { throttledMs: slot.waitMs, reason: `rate limit of ${limits.ratePerSecond}/s: the next free slot is ${Math.ceil(slot.waitMs / 1000)}s away` };
    }
    input.heartbeat?.();
    if (slot.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, slot.waitMs));
  }
  return { release };
}

/** A subscription's stored limits, or undefined when it has none (or they are unreadable). */
export function storedFlowControl(stored: unknown): FlowControl | undefined {
  const parsed = flowControlSchema.safeParse(stored ?? {});
  return parsed.success && Object.keys(parsed.data).length > 0 ? parsed.data : undefined;
}
