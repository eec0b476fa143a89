-- Events held in PostgreSQL while every endpoint they go to has an open circuit breaker.
--
-- Without this, the relay started a workflow for each such event, its attempt failed fast on the
-- open breaker, and the event sat in its workflow's retry timer: a workflow start and several
-- turned-away attempts of work per event, and a place in its tenant's admission window for the
-- whole window, taken from the tenant's deliveries to its healthy endpoints. Held, it costs
-- nothing until its endpoint can take deliveries again; then it is claimed like any pending
-- event, before the tenant's later ones.
--
-- A held event stays `pending` (it has not left the outbox) with `held_for` set to the breakers
-- it waits for; the claim skips it through the index below, the relay releases it (sets
-- `held_for` back to NULL) when one of those breakers closes, and releases the oldest one of an
-- endpoint when its breaker lets a probe through.
ALTER TABLE outbox.events ADD COLUMN held_for text[];

-- The claim's index: pending events not held, by tenant. It replaces 0022's index on all pending
-- events by tenant, so held events cost the claim nothing, however many there are.
CREATE INDEX events_claimable_tenant_idx ON outbox.events (tenant_id, id) WHERE status = 'pending' AND held_for IS NULL;
DROP INDEX outbox.events_pending_tenant_idx;

-- The release's index: the held events, oldest first.
CREATE INDEX events_held_idx ON outbox.events (id) WHERE status = 'pending' AND held_for IS NOT NULL;

-- Which breaker a subscription's target answers to, as the last failing attempt found it (the
-- breaker's key is worked out by the target's plug-in, in TypeScript, so SQL cannot derive it).
-- Written with each failure that counts against an endpoint; dropped when the target changes, so
-- a new URL's events are never held for the old one's breaker.
CREATE TABLE outbox.subscription_breakers (
  subscription_id bigint PRIMARY KEY REFERENCES outbox.subscriptions (id) ON DELETE CASCADE,
  endpoint        text NOT NULL
);
ALTER TABLE outbox.subscription_breakers ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.subscription_breakers FOR ALL TO outbox_engine USING (true) WITH CHECK (true);

CREATE FUNCTION outbox.forget_subscription_breaker() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  DELETE FROM outbox.subscription_breakers WHERE subscription_id = NEW.id;
  RETURN NEW;
END
$$;

CREATE TRIGGER subscriptions_target_changed
  AFTER UPDATE OF target_kind, target_config ON outbox.subscriptions
  FOR EACH ROW WHEN (OLD.target_kind IS DISTINCT FROM NEW.target_kind OR OLD.target_config IS DISTINCT FROM NEW.target_config)
  EXECUTE FUNCTION outbox.forget_subscription_breaker();

-- The one rule for holding: the breakers an event would wait for, or NULL when it must be
-- started. Held only when it routes to at least one subscription and every one of them is
-- enabled, unordered (an ordered lane is taken at dispatch, in commit order) and has a breaker
-- that is open with its probe not yet due, or half-open with a probe under way for less than five
-- minutes; and no saga takes the event. Content filters are not evaluated here: a subscription
-- the filter would skip only makes holding less likely, never wrong.
CREATE FUNCTION outbox.held_for(p_tenant text, p_event_type text, p_targets text[]) RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE
           WHEN count(*) > 0
            AND bool_and(s.enabled AND NOT s.ordered AND b.endpoint IS NOT NULL
                         AND ((b.state = 'open' AND b.next_probe_at > clock_timestamp())
                              OR (b.state = 'half_open' AND b.probe_started_at > clock_timestamp() - interval '5 minutes')))
            AND NOT (p_targets IS NULL AND EXISTS (SELECT 1 FROM outbox.sagas g
                                                    WHERE outbox.applies_to(g.tenant_id, g.event_like, p_tenant, p_event_type)))
           THEN array_agg(DISTINCT b.endpoint ORDER BY b.endpoint)
         END
    FROM outbox.subscriptions s
    LEFT JOIN outbox.subscription_breakers m ON m.subscription_id = s.id
    LEFT JOIN outbox.circuit_breakers b ON b.endpoint = m.endpoint
   WHERE outbox.routes_to(s.tenant_id, s.name, s.event_like, p_tenant, p_event_type, p_targets)
$$;

REVOKE EXECUTE ON FUNCTION outbox.held_for(text, text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbox.held_for(text, text, text[]) TO outbox_engine;
