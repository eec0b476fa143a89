-- Tenant isolation in PostgreSQL: row-level security on every outbox table, and two roles.
--   outbox_app:    for applications. Enqueues and reads its own tenant's events, deliveries and
--                  dead letters; the tenant is the session setting app.tenant_id, set per
--                  transaction (SET LOCAL app.tenant_id = 'acme'). Nothing else is visible.
--   outbox_engine: for the relay, workers and operator commands when they do not run as the
--                  schema's owner. Sees and changes every row.
-- Both are NOLOGIN: grant them to your login roles (GRANT outbox_app TO billing_service).
-- The owner of the tables (whoever runs the migrations) is not subject to these policies, so an
-- engine connecting as the owner keeps working unchanged.

-- Roles belong to the cluster, not the database: another database (or a concurrent migrator)
-- may have created them already.
DO $$
BEGIN
  CREATE ROLE outbox_app NOLOGIN;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'creating role outbox_app needs CREATEROLE'
      USING HINT = 'Ask a superuser to run: CREATE ROLE outbox_app NOLOGIN; CREATE ROLE outbox_engine NOLOGIN; then migrate again.';
END $$;
DO $$
BEGIN
  CREATE ROLE outbox_engine NOLOGIN;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'creating role outbox_engine needs CREATEROLE'
      USING HINT = 'Ask a superuser to run: CREATE ROLE outbox_app NOLOGIN; CREATE ROLE outbox_engine NOLOGIN; then migrate again.';
END $$;

GRANT USAGE ON SCHEMA outbox TO outbox_app, outbox_engine;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA outbox TO outbox_engine;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA outbox TO outbox_engine;
-- Tables added by later migrations (run by the same owner) get the engine's grants too.
ALTER DEFAULT PRIVILEGES IN SCHEMA outbox GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO outbox_engine;
ALTER DEFAULT PRIVILEGES IN SCHEMA outbox GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO outbox_engine;

-- Applications: enqueue (outbox.enqueue inserts into events) and read their own rows. No UPDATE or
-- DELETE: an event's state is the engine's to change.
GRANT SELECT, INSERT ON outbox.events TO outbox_app;
GRANT SELECT ON outbox.deliveries, outbox.dead_letters TO outbox_app;

-- Every table: row-level security on, the engine sees everything.
DO $$
DECLARE
  t text;
BEGIN
  FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'outbox' AND c.relkind = 'r'
  LOOP
    EXECUTE format('ALTER TABLE outbox.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY engine_all_rows ON outbox.%I FOR ALL TO outbox_engine USING (true) WITH CHECK (true)', t);
  END LOOP;
END $$;

-- The application's tenant: rows whose tenant_id is the session's app.tenant_id; none when unset.
CREATE POLICY app_own_tenant_read ON outbox.events FOR SELECT TO outbox_app
  USING (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY app_own_tenant_insert ON outbox.events FOR INSERT TO outbox_app
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY app_own_tenant_read ON outbox.deliveries FOR SELECT TO outbox_app
  USING (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY app_own_tenant_read ON outbox.dead_letters FOR SELECT TO outbox_app
  USING (tenant_id = current_setting('app.tenant_id', true));

-- The policy alone would answer "new row violates row-level security policy"; this says which
-- tenant was asked for and how to set the session's. It only runs for a role under row-level
-- security whose app.tenant_id differs from the row's (never for the owner or the engine).
CREATE FUNCTION outbox.check_session_tenant() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_session text := nullif(current_setting('app.tenant_id', true), '');
BEGIN
  IF pg_has_role('outbox_engine', 'MEMBER') THEN
    RETURN NEW;
  END IF;
  IF v_session IS NULL THEN
    RAISE EXCEPTION 'outbox.enqueue: this role may only enqueue for its session''s tenant, and app.tenant_id is not set'
      USING ERRCODE = '42501', HINT = 'Run SET LOCAL app.tenant_id = ''' || NEW.tenant_id || ''' in the transaction first.';
  END IF;
  RAISE EXCEPTION 'outbox.enqueue: p_tenant % is not this session''s tenant (app.tenant_id is %)', quote_literal(NEW.tenant_id), quote_literal(v_session)
    USING ERRCODE = '42501', HINT = 'Enqueue for the tenant set in app.tenant_id, or set it to the tenant this transaction works for.';
END;
$$;
CREATE TRIGGER events_session_tenant
  BEFORE INSERT ON outbox.events
  FOR EACH ROW
  WHEN (current_setting('app.tenant_id', true) IS DISTINCT FROM NEW.tenant_id AND row_security_active('outbox.events'))
  EXECUTE FUNCTION outbox.check_session_tenant();
