import type pg from 'pg';

/**
 * Marks events whose workflow is started as dispatched, with the workflow's id, in the same
 * transaction that claimed them. Only rows still pending change: a workflow fast enough to finish before this commit
 * waits on the claim's row lock, and so lands its final status after this one.
 *
 * The same statement puts each event that has an aggregate into the lane of every ordered
 * subscription it routes to (outbox.ordered_deliveries), so a lane holds events in the order
 * they were dispatched, which per aggregate is commit order (see the README's ordering design).
 * Routing here mirrors resolveRoutes: explicit targets by name, otherwise the pattern.
 */
export async function markEventsDispatched(client: pg.ClientBase, started: readonly { id: string; workflowId: string }[]): Promise<void> {
  if (started.length === 0) return;
  await client.query(
    `WITH marked AS (
       UPDATE outbox.events
          SET status = 'dispatched', dispatched_at = clock_timestamp(), workflow_id = started.workflow_id
         FROM unnest($1::bigint[], $2::text[]) AS started (id, workflow_id)
        WHERE outbox.events.id = started.id AND status = 'pending'
       RETURNING outbox.events.id, tenant_id, event_type, targets, aggregate_type, aggregate_id
     )
     INSERT INTO outbox.ordered_deliveries (subscription_id, tenant_id, ordering_key, event_id)
     SELECT s.id, m.tenant_id, coalesce(m.aggregate_type, '') || ':' || m.aggregate_id, m.id
       FROM marked m
       JOIN outbox.subscriptions s
         ON s.ordered
        AND (s.tenant_id = '*' OR s.tenant_id = m.tenant_id)
        AND CASE WHEN m.targets IS NULL THEN m.event_type LIKE s.event_like ELSE s.name = ANY (m.targets) END
      WHERE m.aggregate_id IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [started.map((event) => event.id), started.map((event) => event.workflowId)],
  );
}
