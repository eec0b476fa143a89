import pLimit from 'p-limit';
import type pg from 'pg';
import { claimPendingEvents, type ClaimedEvent, type ClaimShare } from './claim-pending-events.js';
import { holdEvents } from './held-events.js';
import { markEventsDispatched } from './mark-events-dispatched.js';

/** What finishing a batch did: the events whose workflow is started, those held, and the starts that failed. */
export interface FinishedBatch {
  started: { id: string; workflowId: string }[];
  /** Events not started but held for their open breakers (see holdEvents). */
  held: number;
  failed: number;
  firstError: unknown;
}

/**
 * One relay batch: a transaction on its own connection that claims pending events (`open`),
 * then starts their workflows, marks the started ones dispatched and commits (`finish`). The
 * claim's row locks last until then, so no other batch or relay takes the same rows; a batch
 * that fails anywhere rolls back, and its rows are simply pending again.
 *
 * @example
 * const batch = await RelayBatch.open(pool, { limit: 200, share, batchTimeoutMs: 30_000 });
 * const { started, failed } = await batch.finish((event) => startDeliveryWorkflow(client, event, options), 64);
 */
export class RelayBatch {
  /** The tenants of this batch's events: no other batch of this relay claims theirs meanwhile. */
  readonly tenants: ReadonlySet<string>;

  private constructor(
    private readonly client: pg.PoolClient,
    readonly events: ClaimedEvent[],
  ) {
    this.tenants = new Set(events.map((event) => event.tenant_id));
  }

  /** Opens the batch's transaction and claims its events (see claimPendingEvents). */
  static async open(pool: pg.Pool, options: { limit: number; share: ClaimShare; batchTimeoutMs?: number }): Promise<RelayBatch> {
    const client = await pool.connect();
    try {
      // One round trip: the settings are made inside the transaction they apply to.
      const timeout =
        options.batchTimeoutMs === undefined ? '' : `; SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.round(options.batchTimeoutMs))}`;
      // No wait for the WAL flush (up to a second under load here, and every next batch, other
      // tenants' included, waited behind it). Safe: Temporal's start is the durable step; a
      // PostgreSQL crash loses at most the last moments' whole batches (none older than a later
      // synchronous commit), whose rows are pending again and find their workflows started.
      await client.query(`BEGIN; SET LOCAL synchronous_commit = off${timeout}`);
      return new RelayBatch(client, await claimPendingEvents(client, options.limit, options.share));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A connection that failed mid-transaction may be unusable: drop it rather than reuse it.
      client.release(true);
      throw error;
    }
  }

  /**
   * Starts every event's workflow, `concurrency` at a time, marks the started ones dispatched,
   * holds the ones whose every endpoint has an open breaker instead of starting them, and
   * commits. A start that throws leaves its event pending for a later batch; a failure of the
   * mark, the hold or the commit rolls the whole batch back (its started workflows are found
   * again by the next claim: starts are idempotent).
   */
  async finish(start: (event: ClaimedEvent) => Promise<{ workflowId: string }>, concurrency: number): Promise<FinishedBatch> {
    let broken = false;
    try {
      const limit = pLimit(concurrency);
      const held = this.events.filter((event) => event.held_for !== null).map((event) => event.id);
      const finished: FinishedBatch = { started: [], held: held.length, failed: 0, firstError: undefined };
      await Promise.all(
        this.events
          .filter((event) => event.held_for === null)
          .map((event) =>
            limit(async () => {
              try {
                const { workflowId } = await start(event);
                finished.started.push({ id: event.id, workflowId });
              } catch (error) {
                finished.failed += 1;
                finished.firstError ??= error;
              }
            }),
          ),
      );
      await markEventsDispatched(this.client, finished.started);
      await holdEvents(this.client, held);
      await this.client.query('COMMIT');
      return finished;
    } catch (error) {
      broken = true;
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.client.release(broken);
    }
  }
}
