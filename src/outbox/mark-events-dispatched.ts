import type pg from 'pg';

/**
 * Marks events whose workflow is started as dispatched, with the workflow's id, in the same
 * transaction that claimed them. Only rows still pending change: a workflow fast enough to finish before this commit
 * waits on the claim's row lock, and so lands its final status after this one.
 *
 * The same statement (`outbox.mark_dispatched`, migration 0023) puts each event that has an
 * aggregate into the lane of every ordered subscription it routes to (outbox.ordered_deliveries),
 * so a lane holds events in the order they were dispatched, which per aggregate is commit order
 * (see the README's ordering design). A workflow whose relay died before this commit calls it
 * too (resolve-routes.ts).
 */
export async function markEventsDispatched(client: pg.ClientBase, started: readonly { id: string; workflowId: string }[]): Promise<void> {
  if (started.length === 0) return;
  await client.query('SELECT outbox.mark_dispatched($1::bigint[], $2::text[])', [started.map((event) => event.id), started.map((event) => event.workflowId)]);
}
