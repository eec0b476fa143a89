-- Tenant boundaries, from the security review of 2026-12-07 (issue 31).

-- A tenant's request that changes a subscription's target (PATCH, rotate-secret) ran this
-- trigger as the tenant's role, which may not touch the engine's breaker table: permission
-- denied. It only forgets which breaker the subscription's events waited for: run it as the owner.
ALTER FUNCTION outbox.forget_subscription_breaker() SECURITY DEFINER;

-- Which target kinds a tenant's own keys may use. Without a row, HTTP kinds and the realtime
-- stream only: a broker target (Redis, NATS, RabbitMQ, MQTT, Kafka) connects with credentials to
-- infrastructure an operator runs, so an operator opens it per tenant. Operators write it.
CREATE TABLE outbox.tenant_permissions (
  tenant_id    text        PRIMARY KEY
    CONSTRAINT tenant_permissions_tenant_id_format CHECK (tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  target_kinds text[]      NOT NULL DEFAULT '{}',
  updated_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE outbox.tenant_permissions ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.tenant_permissions FOR ALL TO outbox_engine USING (true) WITH CHECK (true);

-- The one rule for what a tenant key may target: HTTP kinds and realtime always, others when allowed.
CREATE FUNCTION outbox.tenant_may_target(p_tenant text, p_kind text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT p_kind IN ('webhook', 'slack', 'n8n', 'realtime')
      OR EXISTS (SELECT 1 FROM outbox.tenant_permissions p WHERE p.tenant_id = p_tenant AND p_kind = ANY (p.target_kinds))
$$;

DROP POLICY tenant_api_own_rows ON outbox.subscriptions;
CREATE POLICY tenant_api_own_rows ON outbox.subscriptions FOR ALL TO outbox_tenant_api
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true)
              AND cardinality(outbox.operator_only_settings(target_config)) = 0
              AND outbox.tenant_may_target(tenant_id, target_kind));

-- A tenant key sees the attempts and dead letters of its own subscriptions only: an operator's
-- subscription for every tenant ('*') delivers the tenant's events too, but its name, its
-- internal URL and its endpoint's answers are the operator's. (Rows of a deleted subscription
-- have no subscription left to prove whose they were, and are hidden as well.)
DROP POLICY tenant_api_own_rows ON outbox.deliveries;
CREATE POLICY tenant_api_own_rows ON outbox.deliveries FOR SELECT TO outbox_tenant_api
  USING (tenant_id = current_setting('app.tenant_id', true)
         AND subscription_id IN (SELECT s.id FROM outbox.subscriptions s WHERE s.tenant_id = current_setting('app.tenant_id', true)));
DROP POLICY tenant_api_own_rows ON outbox.dead_letters;
CREATE POLICY tenant_api_own_rows ON outbox.dead_letters FOR SELECT TO outbox_tenant_api
  USING (tenant_id = current_setting('app.tenant_id', true)
         AND subscription_id IN (SELECT s.id FROM outbox.subscriptions s WHERE s.tenant_id = current_setting('app.tenant_id', true)));

-- Who answered a dead letter (the API key, portal link or CLI user the signal named).
ALTER TABLE outbox.dead_letters ADD COLUMN resolved_by text;

-- Every operator action on events: retry, discard, replay (API or CLI), who, what, how many.
CREATE TABLE outbox.operator_actions (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action    text        NOT NULL CONSTRAINT operator_actions_action_known CHECK (action IN ('retry', 'discard', 'replay')),
  actor     text        NOT NULL,
  tenant_id text,
  selection jsonb       NOT NULL,
  matched   integer     NOT NULL,
  signalled integer     NOT NULL,
  at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
ALTER TABLE outbox.operator_actions ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.operator_actions FOR ALL TO outbox_engine USING (true) WITH CHECK (true);

-- Subscription names are unique per tenant (so one tenant's name tells it nothing of another's)
-- and within what an event of a tenant can route to: its tenant's subscriptions and those of
-- every tenant ('*'). Events, sagas and fan-out rules name subscriptions within that scope, so
-- a name there means one subscription. A name that is all digits would read as an id: refused
-- for new names (NOT VALID keeps older rows, which id-or-name lookups reach by id first).
ALTER TABLE outbox.subscriptions DROP CONSTRAINT subscriptions_name_unique;
ALTER TABLE outbox.subscriptions ADD CONSTRAINT subscriptions_tenant_name_unique UNIQUE (tenant_id, name);
ALTER TABLE outbox.subscriptions ADD CONSTRAINT subscriptions_name_not_an_id CHECK (name !~ '^[0-9]+$') NOT VALID;

-- Runs as the owner: a tenant's insert must see the '*' subscriptions its name could clash with.
CREATE FUNCTION outbox.refuse_subscription_name_clash() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- One lock per name: two transactions saving the same name take turns, so neither misses the other.
  PERFORM pg_advisory_xact_lock(hashtextextended('outbox.subscriptions.name:' || NEW.name, 0));
  IF EXISTS (SELECT 1 FROM outbox.subscriptions s
              WHERE s.name = NEW.name AND s.id <> NEW.id
                AND (s.tenant_id = NEW.tenant_id OR s.tenant_id = '*' OR NEW.tenant_id = '*')) THEN
    RAISE EXCEPTION 'a subscription named "%" already exists where this one would deliver', NEW.name
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'subscriptions_name_in_scope';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subscriptions_name_in_scope BEFORE INSERT OR UPDATE OF name, tenant_id ON outbox.subscriptions
  FOR EACH ROW EXECUTE FUNCTION outbox.refuse_subscription_name_clash();

-- Portal links revoked before they expire: one link by its id, or every link of a tenant issued
-- before the revocation. Checked on each request a portal link makes.
CREATE TABLE outbox.portal_link_revocations (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  link_id    text,
  tenant_id  text,
  actor      text        NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT portal_link_revocations_one_target CHECK ((link_id IS NULL) <> (tenant_id IS NULL))
);
CREATE INDEX portal_link_revocations_link_idx ON outbox.portal_link_revocations (link_id) WHERE link_id IS NOT NULL;
CREATE INDEX portal_link_revocations_tenant_idx ON outbox.portal_link_revocations (tenant_id, revoked_at) WHERE tenant_id IS NOT NULL;
ALTER TABLE outbox.portal_link_revocations ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.portal_link_revocations FOR ALL TO outbox_engine USING (true) WITH CHECK (true);

-- Answers kept for Idempotency-Key replays are deleted after their day, by the API as it writes
-- new ones; this index keeps that cheap.
CREATE INDEX api_idempotency_created_idx ON outbox.api_idempotency (created_at);
