-- The database is the gatekeeper: outbox.enqueue is the only way in for applications.
--   * It runs as the schema's owner (SECURITY DEFINER, pinned search_path), and the app role
--     loses INSERT on outbox.events: a direct INSERT cannot skip its checks.
--   * The payload limit lives in outbox.settings, which only the owner can change; a session's
--     outbox.max_payload_bytes may lower the limit for itself, never raise it.
--   * The tenant check that row-level security did on the app role's INSERT is done here, for
--     the role that called the function.
--   * Reusing an idempotency key for a different event (other type or payload) is an error, not
--     a silent no-op; a repeat of the same event still returns the existing id.

CREATE TABLE outbox.settings (
  name  text PRIMARY KEY CONSTRAINT settings_name_known CHECK (name IN ('max_payload_bytes')),
  value text NOT NULL
);
INSERT INTO outbox.settings (name, value) VALUES ('max_payload_bytes', '1048576');
ALTER TABLE outbox.settings ENABLE ROW LEVEL SECURITY;
-- The engine reads the limit (the delivering activity caps what it loads); only the owner writes.
CREATE POLICY engine_read ON outbox.settings FOR SELECT TO outbox_engine USING (true);
REVOKE INSERT, UPDATE, DELETE ON outbox.settings FROM outbox_engine;

REVOKE INSERT ON outbox.events FROM outbox_app;

-- Enqueue one event inside the caller's transaction; usable from any language (see 0016 for the
-- parameters). Changes from 0016 are marked "0021".
CREATE OR REPLACE FUNCTION outbox.enqueue(
  p_tenant          text,
  p_event_type      text,
  p_payload         jsonb,
  p_idempotency_key text  DEFAULT NULL,
  p_options         jsonb DEFAULT '{}'
) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_options jsonb := coalesce(p_options, '{}'::jsonb);
  v_key     text  := coalesce(p_idempotency_key, gen_random_uuid()::text);
  v_unknown text;
  v_version integer := 1;
  v_targets text[];
  v_id      bigint;
  v_max_bytes integer;
  v_session_max integer;
  -- 0021: the role that called (SECURITY DEFINER makes current_user the owner).
  v_caller  text := CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END;
  v_session_tenant text := nullif(current_setting('app.tenant_id', true), '');
  v_existing record;
BEGIN
  -- 0021: applications (not the engine, not the owner, not a superuser) enqueue for their
  -- session's tenant only.
  IF NOT pg_has_role(v_caller, 'outbox_engine', 'USAGE')
     AND NOT pg_has_role(v_caller, (SELECT relowner FROM pg_class WHERE oid = 'outbox.events'::regclass), 'USAGE')
     AND p_tenant IS DISTINCT FROM v_session_tenant THEN
    IF v_session_tenant IS NULL THEN
      RAISE EXCEPTION 'outbox.enqueue: this role may only enqueue for its session''s tenant, and app.tenant_id is not set'
        USING ERRCODE = '42501', HINT = 'Run SET LOCAL app.tenant_id = ''' || coalesce(p_tenant, '...') || ''' in the transaction first.';
    END IF;
    RAISE EXCEPTION 'outbox.enqueue: p_tenant % is not this session''s tenant (app.tenant_id is %)', coalesce(quote_literal(p_tenant), 'NULL'), quote_literal(v_session_tenant)
      USING ERRCODE = '42501', HINT = 'Enqueue for the tenant set in app.tenant_id, or set it to the tenant this transaction works for.';
  END IF;
  IF p_tenant IS NULL OR p_tenant !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' THEN
    RAISE EXCEPTION 'outbox.enqueue: p_tenant % is not a valid tenant id', coalesce(quote_literal(p_tenant), 'NULL')
      USING ERRCODE = '22023',
            HINT = 'Use 1 to 128 letters, digits, "_", "." or "-", starting with a letter or digit.';
  END IF;
  IF p_event_type IS NULL OR p_event_type !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$' THEN
    RAISE EXCEPTION 'outbox.enqueue: p_event_type % is not a valid event type', coalesce(quote_literal(p_event_type), 'NULL')
      USING ERRCODE = '22023',
            HINT = 'Use 1 to 200 letters, digits, "_", "." or "-", e.g. order.created.';
  END IF;
  IF p_payload IS NULL THEN
    RAISE EXCEPTION 'outbox.enqueue: p_payload is NULL'
      USING ERRCODE = '22004', HINT = 'Pass a JSON value, e.g. ''{}''::jsonb.';
  END IF;
  -- A payload limit keeps one event from bloating the table, the delivery and the consumer.
  -- 0021: the owner's limit (outbox.settings); a session may only lower it for itself.
  SELECT value::integer INTO v_max_bytes FROM outbox.settings WHERE name = 'max_payload_bytes';
  v_max_bytes := coalesce(v_max_bytes, 1048576);
  v_session_max := nullif(current_setting('outbox.max_payload_bytes', true), '')::integer;
  IF v_session_max IS NOT NULL AND v_session_max < v_max_bytes THEN
    v_max_bytes := v_session_max;
  END IF;
  IF octet_length(p_payload::text) > v_max_bytes THEN
    RAISE EXCEPTION 'outbox.enqueue: p_payload is % bytes, above the limit of % bytes', octet_length(p_payload::text), v_max_bytes
      USING ERRCODE = '54000',
            HINT = 'Send a reference (an id or URL) instead of the document, or have the schema owner raise the limit: UPDATE outbox.settings SET value = ''...'' WHERE name = ''max_payload_bytes''.';
  END IF;
  IF v_key !~ '^[!-~]{1,200}$' THEN
    RAISE EXCEPTION 'outbox.enqueue: p_idempotency_key % is not a valid idempotency key', quote_literal(v_key)
      USING ERRCODE = '22023',
            HINT = 'Use 1 to 200 visible ASCII characters (no spaces); it becomes the webhook-id header.';
  END IF;
  IF jsonb_typeof(v_options) <> 'object' THEN
    RAISE EXCEPTION 'outbox.enqueue: p_options must be a JSON object, got %', v_options
      USING ERRCODE = '22023';
  END IF;

  SELECT string_agg(quote_ident(k), ', ' ORDER BY k) INTO v_unknown
    FROM jsonb_object_keys(v_options) AS k
   WHERE k NOT IN ('aggregate_type', 'aggregate_id', 'correlation_id', 'causation_id', 'event_version', 'targets', 'traceparent');
  IF v_unknown IS NOT NULL THEN
    RAISE EXCEPTION 'outbox.enqueue: unknown option(s) % in p_options', v_unknown
      USING ERRCODE = '22023',
            HINT = 'Known options: aggregate_type, aggregate_id, correlation_id, causation_id, event_version, targets, traceparent.';
  END IF;

  IF v_options ? 'event_version' AND jsonb_typeof(v_options -> 'event_version') <> 'null' THEN
    IF jsonb_typeof(v_options -> 'event_version') <> 'number'
       OR (v_options ->> 'event_version') !~ '^[1-9][0-9]{0,8}$' THEN
      RAISE EXCEPTION 'outbox.enqueue: option "event_version" must be a positive integer, got %', v_options -> 'event_version'
        USING ERRCODE = '22023';
    END IF;
    v_version := (v_options ->> 'event_version')::integer;
  END IF;

  IF v_options ? 'targets' AND jsonb_typeof(v_options -> 'targets') <> 'null' THEN
    IF jsonb_typeof(v_options -> 'targets') <> 'array'
       OR jsonb_array_length(v_options -> 'targets') = 0
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(v_options -> 'targets') AS t WHERE jsonb_typeof(t) <> 'string') THEN
      RAISE EXCEPTION 'outbox.enqueue: option "targets" must be a non-empty array of subscription names, got %', v_options -> 'targets'
        USING ERRCODE = '22023';
    END IF;
    SELECT array_agg(t) INTO v_targets FROM jsonb_array_elements_text(v_options -> 'targets') AS t;
  END IF;

  IF v_options ? 'traceparent' AND jsonb_typeof(v_options -> 'traceparent') <> 'null'
     AND (jsonb_typeof(v_options -> 'traceparent') <> 'string'
          OR (v_options ->> 'traceparent') !~ '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$') THEN
    RAISE EXCEPTION 'outbox.enqueue: option "traceparent" must be a W3C traceparent such as 00-<32 hex>-<16 hex>-01, got %', v_options -> 'traceparent'
      USING ERRCODE = '22023';
  END IF;

  INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, event_version, payload,
                             aggregate_type, aggregate_id, correlation_id, causation_id, targets, traceparent)
  VALUES (p_tenant, v_key, p_event_type, v_version, p_payload,
          outbox.enqueue_option_text(v_options, 'aggregate_type'),
          outbox.enqueue_option_text(v_options, 'aggregate_id'),
          outbox.enqueue_option_text(v_options, 'correlation_id'),
          outbox.enqueue_option_text(v_options, 'causation_id'),
          v_targets,
          v_options ->> 'traceparent')
  ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
  RETURNING id INTO v_id;

  IF v_id IS NULL THEN
    -- The key exists (possibly committed by a concurrent transaction we waited for). 0021: a
    -- repeat of the same event returns its id; another event under the same key would be lost.
    SELECT id, event_type, payload INTO v_existing FROM outbox.events WHERE tenant_id = p_tenant AND idempotency_key = v_key;
    IF v_existing.event_type IS DISTINCT FROM p_event_type OR v_existing.payload IS DISTINCT FROM p_payload THEN
      RAISE EXCEPTION 'outbox.enqueue: p_idempotency_key % of tenant % is already used by event % with a different %',
        quote_literal(v_key), quote_literal(p_tenant), v_existing.id,
        CASE WHEN v_existing.event_type IS DISTINCT FROM p_event_type THEN 'event type (' || v_existing.event_type || ')' ELSE 'payload' END
        USING ERRCODE = '23505',
              HINT = 'A repeat must carry the same event type and payload; a different event needs its own idempotency key.';
    END IF;
    v_id := v_existing.id;
  END IF;
  RETURN v_id;
END;
$$;

REVOKE EXECUTE ON FUNCTION outbox.enqueue(text, text, jsonb, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbox.enqueue(text, text, jsonb, text, jsonb) TO outbox_app, outbox_engine;
