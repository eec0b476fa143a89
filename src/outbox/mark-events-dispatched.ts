import type pg from 'pg';

/**
 * Marks events whose workflow is started as dispatched, in the same transaction that claimed
 * them. Only rows still pending change: a workflow fast enough to finish before this commit
 * waits on the claim's row lock, and so lands its final status after this one.
 */
export async function markEventsDispatched(client: pg.ClientBase, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `UPDATE outbox.events
        SET status = 'dispatched', dispatched_at = clock_timestamp()
      WHERE id = ANY($1::bigint[]) AND status = 'pending'`,
    [ids],
  );
}
