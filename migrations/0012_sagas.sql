-- Saga routes: an event type whose deliveries run as ordered steps, each to a subscription's
-- target, with an optional compensation target run in reverse order when a later step fails.
CREATE TABLE outbox.sagas (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text        NOT NULL
    CONSTRAINT sagas_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$'),
  tenant_id     text        NOT NULL DEFAULT '*'
    CONSTRAINT sagas_tenant_id_format CHECK (tenant_id = '*' OR tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  event_pattern text        NOT NULL
    CONSTRAINT sagas_event_pattern_format CHECK (event_pattern ~ '^[A-Za-z0-9_.*-]{1,200}$'),
  event_like    text GENERATED ALWAYS AS (replace(replace(event_pattern, '_', '\_'), '*', '%')) STORED,
  -- [{ "name": "charge", "target": "<subscription>", "compensation": "<subscription>" }, …],
  -- validated by the engine (zod) before it is written.
  steps         jsonb       NOT NULL CONSTRAINT sagas_steps_array CHECK (jsonb_typeof(steps) = 'array' AND jsonb_array_length(steps) > 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sagas_name_unique UNIQUE (name),
  CONSTRAINT sagas_route_unique UNIQUE (tenant_id, event_pattern)
);

-- What each completed step answered (e.g. a charge id in the webhook response), for later steps
-- and for its compensation. Kept in PostgreSQL, not in Temporal's history.
CREATE TABLE outbox.saga_step_results (
  event_id    bigint      NOT NULL REFERENCES outbox.events (id) ON DELETE CASCADE,
  step        text        NOT NULL,
  result      jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, step)
);

-- Which saga step (and whether its compensation) a delivery attempt or dead letter belongs to.
ALTER TABLE outbox.deliveries ADD COLUMN saga_step text;
ALTER TABLE outbox.dead_letters ADD COLUMN saga_step text;

-- A saga whose failed step was undone by its compensations. NOT VALID: every existing row
-- already satisfies the narrower old check, and validating would scan a possibly huge table
-- while holding its lock.
ALTER TABLE outbox.events DROP CONSTRAINT events_status_known;
ALTER TABLE outbox.events ADD CONSTRAINT events_status_known
  CHECK (status IN ('pending', 'dispatched', 'delivered', 'dead_lettered', 'discarded', 'expired', 'compensated')) NOT VALID;
