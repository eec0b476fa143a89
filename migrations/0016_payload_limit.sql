-- Input limits: a maximum payload size, enforced where every language enqueues.
-- Enqueue one event inside the caller's transaction; usable from any language.
--   SELECT outbox.enqueue('acme', 'order.created', '{"orderId": 42}', 'order-42-created',
--                         '{"aggregate_type": "order", "aggregate_id": "42"}');
-- Returns the event id. A repeated (tenant, idempotency key) returns the existing id and
-- writes nothing. A NULL key gets a generated one (then nothing deduplicates the call).
-- Options: aggregate_type, aggregate_id, correlation_id, causation_id (strings),
-- event_version (positive integer), targets (array of subscription names), traceparent (W3C
-- trace context, so the delivery joins the caller's trace). Payloads above the
-- outbox.max_payload_bytes setting (default 1 MiB) are refused.
CREATE OR REPLACE FUNCTION outbox.enqueue(
  p_tenant          text,
  p_event_type      text,
  p_payload         jsonb,
  p_idempotency_key text  DEFAULT NULL,
  p_options         jsonb DEFAULT '{}'
) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_options jsonb := coalesce(p_options, '{}'::jsonb);
  v_key     text  := coalesce(p_idempotency_key, gen_random_uuid()::text);
  v_unknown text;
  v_version integer := 1;
  v_targets text[];
  v_id      bigint;
  v_max_bytes integer;
BEGIN
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
  v_max_bytes := coalesce(nullif(current_setting('outbox.max_payload_bytes', true), '')::integer, 1048576);
  IF octet_length(p_payload::text) > v_max_bytes THEN
    RAISE EXCEPTION 'outbox.enqueue: p_payload is % bytes, above the limit of % bytes', octet_length(p_payload::text), v_max_bytes
      USING ERRCODE = '54000',
            HINT = 'Send a reference (an id or URL) instead of the document, or raise the limit: ALTER DATABASE … SET outbox.max_payload_bytes = ''…''.';
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
    -- The key exists (possibly committed by a concurrent transaction we waited for).
    SELECT id INTO v_id FROM outbox.events WHERE tenant_id = p_tenant AND idempotency_key = v_key;
  END IF;
  RETURN v_id;
END;
$$;
