-- Fan-out strategy per event type (and optionally tenant): which of an event's deliveries must
-- succeed. Without a matching rule every delivery must ('all').
CREATE TABLE outbox.fanout_rules (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id            text        NOT NULL DEFAULT '*'
    CONSTRAINT fanout_rules_tenant_id_format CHECK (tenant_id = '*' OR tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  event_pattern        text        NOT NULL
    CONSTRAINT fanout_rules_event_pattern_format CHECK (event_pattern ~ '^[A-Za-z0-9_.*-]{1,200}$'),
  event_like           text GENERATED ALWAYS AS (replace(replace(event_pattern, '_', '\_'), '*', '%')) STORED,
  strategy             text        NOT NULL
    CONSTRAINT fanout_rules_strategy_known CHECK (strategy IN ('all', 'any', 'primary')),
  -- The subscription that must succeed under 'primary'.
  primary_subscription text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT fanout_rules_primary_named CHECK ((strategy = 'primary') = (primary_subscription IS NOT NULL)),
  CONSTRAINT fanout_rules_unique UNIQUE (tenant_id, event_pattern)
);

-- Under 'any', a waiting dead letter is closed when another delivery of the event succeeds.
ALTER TABLE outbox.dead_letters DROP CONSTRAINT dead_letters_resolution_known;
ALTER TABLE outbox.dead_letters ADD CONSTRAINT dead_letters_resolution_known
  CHECK (resolution IN ('retried', 'discarded', 'expired', 'superseded'));
