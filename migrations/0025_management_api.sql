-- The management API (/v1): its keys, the role a tenant key's requests run as, and an audit of
-- every change to a subscription.

-- API keys. A key is `obk_<12 characters>_<secret>`; the first part (`prefix`) names the key in
-- lists and finds its row, the whole key is stored only as its SHA-256 (compared in constant
-- time). An operator key sees every tenant; a tenant key one tenant, through the role below.
CREATE TABLE outbox.api_keys (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  prefix       text        NOT NULL CONSTRAINT api_keys_prefix_unique UNIQUE,
  key_hash     bytea       NOT NULL,
  name         text        NOT NULL CONSTRAINT api_keys_name_format CHECK (length(name) BETWEEN 1 AND 200),
  scope        text        NOT NULL CONSTRAINT api_keys_scope_known CHECK (scope IN ('operator', 'tenant')),
  tenant_id    text
    CONSTRAINT api_keys_tenant_id_format CHECK (tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz,
  CONSTRAINT api_keys_tenant_scope CHECK ((scope = 'tenant') = (tenant_id IS NOT NULL))
);
ALTER TABLE outbox.api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.api_keys FOR ALL TO outbox_engine USING (true) WITH CHECK (true);

-- Settings only an operator may give a subscription: reaching private addresses, and reading the
-- worker's environment (`env:NAME` anywhere in the target's settings). Returns the ones present.
CREATE FUNCTION outbox.operator_only_settings(p_config jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT array_remove(ARRAY[
    CASE WHEN p_config -> 'allowPrivateAddresses' = 'true'::jsonb THEN 'allowPrivateAddresses' END,
    CASE WHEN jsonb_path_exists(p_config, 'lax $.** ? (@ starts with "env:")') THEN 'env: references' END
  ], NULL)
$$;

-- A tenant key's requests run as this role (SET LOCAL ROLE, app.tenant_id set per transaction):
-- row-level security, not route code alone, keeps it to its tenant's rows and away from the
-- operator-only settings. NOLOGIN; the engine's roles may switch to it.
DO $$
BEGIN
  CREATE ROLE outbox_tenant_api NOLOGIN;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'creating role outbox_tenant_api needs CREATEROLE'
      USING HINT = 'Ask a superuser to run: CREATE ROLE outbox_tenant_api NOLOGIN; then migrate again.';
END $$;
GRANT outbox_tenant_api TO outbox_engine;
GRANT USAGE ON SCHEMA outbox TO outbox_tenant_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox.subscriptions TO outbox_tenant_api;
GRANT SELECT ON outbox.events, outbox.deliveries, outbox.dead_letters TO outbox_tenant_api;

CREATE POLICY tenant_api_own_rows ON outbox.subscriptions FOR ALL TO outbox_tenant_api
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true) AND cardinality(outbox.operator_only_settings(target_config)) = 0);
CREATE POLICY tenant_api_own_rows ON outbox.events FOR SELECT TO outbox_tenant_api
  USING (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY tenant_api_own_rows ON outbox.deliveries FOR SELECT TO outbox_tenant_api
  USING (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY tenant_api_own_rows ON outbox.dead_letters FOR SELECT TO outbox_tenant_api
  USING (tenant_id = current_setting('app.tenant_id', true));

-- Every change to a subscription, by anyone (API, CLI, SQL, the engine disabling a failing
-- endpoint): who (the API key, or the database role), what (the columns changed; never the
-- target's settings themselves, which hold secrets), when. Written by a trigger, so no path
-- can skip it.
CREATE TABLE outbox.subscription_audit (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id bigint      NOT NULL,
  subscription    text        NOT NULL,
  tenant_id       text        NOT NULL,
  action          text        NOT NULL CONSTRAINT subscription_audit_action_known CHECK (action IN ('created', 'updated', 'deleted')),
  changed         text[]      NOT NULL DEFAULT '{}',
  actor           text        NOT NULL,
  at              timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX subscription_audit_subscription_idx ON outbox.subscription_audit (subscription_id, id);
ALTER TABLE outbox.subscription_audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.subscription_audit FOR ALL TO outbox_engine USING (true) WITH CHECK (true);
GRANT SELECT ON outbox.subscription_audit TO outbox_tenant_api;
CREATE POLICY tenant_api_own_rows ON outbox.subscription_audit FOR SELECT TO outbox_tenant_api
  USING (tenant_id = current_setting('app.tenant_id', true));

-- Runs as the owner, so a tenant's request can write its audit row without INSERT on the table.
CREATE FUNCTION outbox.audit_subscription_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_row    outbox.subscriptions;
  v_action text;
  v_changed text[] := '{}';
  -- The API sets outbox.actor to 'api-key:<id>' for its transaction; otherwise the session's role.
  v_actor  text := coalesce(nullif(current_setting('outbox.actor', true), ''), session_user::text);
BEGIN
  IF TG_OP = 'DELETE' THEN
    v_row := OLD;
    v_action := 'deleted';
  ELSE
    v_row := NEW;
    v_action := CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'updated' END;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}') INTO v_changed
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
     WHERE n.value IS DISTINCT FROM o.value AND n.key NOT IN ('updated_at', 'event_like');
    IF cardinality(v_changed) = 0 THEN
      RETURN NULL;
    END IF;
  END IF;
  INSERT INTO outbox.subscription_audit (subscription_id, subscription, tenant_id, action, changed, actor)
  VALUES (v_row.id, v_row.name, v_row.tenant_id, v_action, v_changed, v_actor);
  RETURN NULL;
END $$;
CREATE TRIGGER subscriptions_audit AFTER INSERT OR UPDATE OR DELETE ON outbox.subscriptions
  FOR EACH ROW EXECUTE FUNCTION outbox.audit_subscription_change();

-- POSTs with an Idempotency-Key: the first answer, kept for a day, is the answer to a repeat;
-- the same key with another body is refused. Per API key, so two callers cannot collide.
CREATE TABLE outbox.api_idempotency (
  api_key_id      bigint      NOT NULL REFERENCES outbox.api_keys (id) ON DELETE CASCADE,
  idempotency_key text        NOT NULL,
  request_hash    bytea       NOT NULL,
  status          int         NOT NULL,
  response        jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (api_key_id, idempotency_key)
);
ALTER TABLE outbox.api_idempotency ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.api_idempotency FOR ALL TO outbox_engine USING (true) WITH CHECK (true);
