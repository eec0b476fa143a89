-- Marking events dispatched, and putting each one that has an aggregate into the lane of every
-- ordered subscription it routes to, is one statement kept here, because two callers need it:
-- the relay, in the transaction that claimed the rows, and a delivery workflow whose relay died
-- before that transaction committed (the row is pending again while its workflow already runs,
-- and the workflow must not deliver outside its lane; see resolve-routes.ts). Rows that are no
-- longer pending are left alone, so whichever caller comes second changes nothing.
-- Lane places are ordered by event id, so the order of the callers does not matter.
CREATE OR REPLACE FUNCTION outbox.mark_dispatched(p_ids bigint[], p_workflow_ids text[])
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  WITH marked AS (
    UPDATE outbox.events
       SET status = 'dispatched', dispatched_at = clock_timestamp(), workflow_id = started.workflow_id
      FROM unnest(p_ids, p_workflow_ids) AS started (id, workflow_id)
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
  ON CONFLICT DO NOTHING
$$;

REVOKE EXECUTE ON FUNCTION outbox.mark_dispatched(bigint[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbox.mark_dispatched(bigint[], text[]) TO outbox_engine;
