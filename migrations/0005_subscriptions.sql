-- Routing: which event types of which tenants go to which target, with the target's settings
-- and the Temporal retry policy its deliveries run under.
CREATE TABLE outbox.subscriptions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text        NOT NULL
    CONSTRAINT subscriptions_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$'),
  -- '*' means every tenant.
  tenant_id     text        NOT NULL DEFAULT '*'
    CONSTRAINT subscriptions_tenant_id_format CHECK (tenant_id = '*' OR tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  -- Glob over event types: '*' matches any run of characters, so 'order.*' matches
  -- 'order.created' and 'order.line.added'.
  event_pattern text        NOT NULL
    CONSTRAINT subscriptions_event_pattern_format CHECK (event_pattern ~ '^[A-Za-z0-9_.*-]{1,200}$'),
  -- The pattern as a LIKE expression, computed once so routing is a plain index-friendly
  -- comparison ('_' is a literal in event types, so it is escaped).
  event_like    text GENERATED ALWAYS AS (replace(replace(event_pattern, '_', '\_'), '*', '%')) STORED,
  target_kind   text        NOT NULL
    CONSTRAINT subscriptions_target_kind_known CHECK (target_kind IN ('webhook')),
  -- Target settings, secrets included. Only activities read this column; it never enters a
  -- workflow's input or history.
  target_config jsonb       NOT NULL,
  retry_policy  jsonb       NOT NULL DEFAULT '{}',
  enabled       boolean     NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT subscriptions_name_unique UNIQUE (name)
);

CREATE INDEX subscriptions_enabled_tenant_idx ON outbox.subscriptions (tenant_id) WHERE enabled;
