-- The routing rule, written once. Which subscriptions an event goes to, and which fan-out rule or
-- saga applies to it, were conditions repeated in the relay's dispatch mark, the first pass's
-- routing read, route resolution and saga lookup. They are these two functions now; every caller
-- uses them, and test/routing-rule.test.ts runs the rule's cases through them.
--
-- Plain SQL, IMMUTABLE, one expression and no SET clause: the planner inlines them, so a query
-- that calls them plans as if the condition were written out (no per-row function call).

-- A fan-out rule, saga or subscription pattern applies to an event: it is the event's tenant's or
-- every tenant's ('*'), and its pattern (event_like, the LIKE form of event_pattern) matches the type.
CREATE OR REPLACE FUNCTION outbox.applies_to(p_owner_tenant text, p_event_like text, p_tenant text, p_event_type text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT (p_owner_tenant = '*' OR p_owner_tenant = p_tenant) AND p_event_type LIKE p_event_like
$$;

-- A subscription receives an event: it is the event's tenant's or every tenant's, and either the
-- event names its targets and this subscription is one of them (whatever its pattern), or it names
-- none and the pattern matches. An empty target list (refused by outbox.enqueue) names nobody.
-- Disabled subscriptions are routed too: their deliveries are dead-lettered, never dropped.
CREATE OR REPLACE FUNCTION outbox.routes_to(p_subscription_tenant text, p_subscription_name text, p_event_like text,
                                            p_tenant text, p_event_type text, p_targets text[])
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT (p_subscription_tenant = '*' OR p_subscription_tenant = p_tenant)
     AND CASE WHEN p_targets IS NULL THEN p_event_type LIKE p_event_like ELSE p_subscription_name = ANY (p_targets) END
$$;

-- The dispatch mark of 0023, with its lane condition written as the rule.
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
      ON s.ordered AND outbox.routes_to(s.tenant_id, s.name, s.event_like, m.tenant_id, m.event_type, m.targets)
   WHERE m.aggregate_id IS NOT NULL
  ON CONFLICT DO NOTHING
$$;
