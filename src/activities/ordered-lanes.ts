import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** Whether a delivery may start now, and if not how long the workflow waits before asking again. */
export type TurnAnswer =
  | { go: true }
  /** `signalled`: an earlier delivery of the lane is under way; its workflow signals when done. */
  | { go: false; wakeUp: 'signalled'; recheckMs: number; blockedBy: string }
  /** An earlier event of the aggregate is committed but not yet dispatched: look again shortly. */
  | { go: false; wakeUp: 'poll'; recheckMs: number; blockedBy: string };

/** Safety net for a lost wake-up signal (e.g. sent while the successor's workflow was starting). */
const SIGNALLED_RECHECK_MS = 60_000;
const UNDISPATCHED_RECHECK_MS = 1_000;

/**
 * Asks for an ordered delivery's turn in its lane. It goes when no earlier event of the same
 * tenant + aggregate is still open in the lane (waiting, delivering, or dead-lettered and not yet
 * retried or discarded) and no earlier event of the aggregate is still waiting for the relay.
 * Going marks the row `delivering`, so `outbox status` can tell delivering from blocked.
 *
 * @example
 * const answer = await takeTurn(db, { eventId: '42', subscriptionId: '7' });
 */
export async function takeTurn(db: Kysely<Database>, input: { eventId: string; subscriptionId: string }): Promise<TurnAnswer> {
  const lane = await db
    .selectFrom('outbox.ordered_deliveries as mine')
    .innerJoin('outbox.events as e', 'e.id', 'mine.event_id')
    .select(['mine.tenant_id', 'mine.ordering_key', 'mine.state', 'e.aggregate_type', 'e.aggregate_id'])
    .where('mine.event_id', '=', input.eventId)
    .where('mine.subscription_id', '=', input.subscriptionId)
    .executeTakeFirst();
  // Not in a lane (the subscription became ordered after dispatch): nothing to wait for.
  if (!lane || lane.state !== 'waiting') return { go: true };

  const earlier = await db
    .selectFrom('outbox.ordered_deliveries as before')
    .select('before.event_id')
    .where('before.subscription_id', '=', input.subscriptionId)
    .where('before.tenant_id', '=', lane.tenant_id)
    .where('before.ordering_key', '=', lane.ordering_key)
    .where('before.event_id', '<', input.eventId)
    .where('before.state', '<>', 'done')
    .orderBy('before.event_id')
    .limit(1)
    .executeTakeFirst();
  if (earlier) return { go: false, wakeUp: 'signalled', recheckMs: SIGNALLED_RECHECK_MS, blockedBy: earlier.event_id };

  const undispatched = await db
    .selectFrom('outbox.events')
    .select('id')
    .where('status', '=', 'pending')
    .where('tenant_id', '=', lane.tenant_id)
    .where(sql<boolean>`aggregate_type IS NOT DISTINCT FROM ${lane.aggregate_type}`)
    .where('aggregate_id', '=', lane.aggregate_id)
    .where('id', '<', input.eventId)
    .limit(1)
    .executeTakeFirst();
  if (undispatched) return { go: false, wakeUp: 'poll', recheckMs: UNDISPATCHED_RECHECK_MS, blockedBy: undispatched.id };

  await db
    .updateTable('outbox.ordered_deliveries')
    .set({ state: 'delivering', updated_at: sql`now()` })
    .where('event_id', '=', input.eventId)
    .where('subscription_id', '=', input.subscriptionId)
    .where('state', '=', 'waiting')
    .execute();
  return { go: true };
}

/**
 * Closes an event's place in a lane (delivered, discarded, expired, or not delivered there at
 * all) and names the workflow of the next waiting event of the lane, for the caller to wake.
 * Idempotent: a re-run after a crash closes nothing twice and names the same successor.
 */
export async function finishTurn(db: Kysely<Database>, input: { eventId: string; subscriptionId: string }): Promise<{ successorWorkflowId?: string }> {
  const closed = await db
    .updateTable('outbox.ordered_deliveries')
    .set({ state: 'done', updated_at: sql`now()` })
    .where('event_id', '=', input.eventId)
    .where('subscription_id', '=', input.subscriptionId)
    .returning(['tenant_id', 'ordering_key'])
    .executeTakeFirst();
  if (!closed) return {};
  const next = await db
    .selectFrom('outbox.ordered_deliveries as after')
    .innerJoin('outbox.events as e', 'e.id', 'after.event_id')
    .select('e.workflow_id')
    .where('after.subscription_id', '=', input.subscriptionId)
    .where('after.tenant_id', '=', closed.tenant_id)
    .where('after.ordering_key', '=', closed.ordering_key)
    .where('after.event_id', '>', input.eventId)
    .where('after.state', '=', 'waiting')
    .orderBy('after.event_id')
    .limit(1)
    .executeTakeFirst();
  // Lane rows are written with the dispatch that records the workflow id, so it is there.
  return next?.workflow_id ? { successorWorkflowId: next.workflow_id } : {};
}

/** The ordered subscriptions (ids) whose lanes hold this event and are not yet done with it. */
export async function openLanesOf(db: Kysely<Database>, eventId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox.ordered_deliveries')
    .select('subscription_id')
    .where('event_id', '=', eventId)
    .where('state', '<>', 'done')
    .execute();
  return rows.map((row) => row.subscription_id);
}
