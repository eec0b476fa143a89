-- One row per event an application commits. The row is written in the application's own
-- transaction, so it exists if and only if the business change committed.
CREATE TABLE outbox.events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       text        NOT NULL
    CONSTRAINT events_tenant_id_format CHECK (tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  idempotency_key text        NOT NULL
    -- Visible ASCII only: the key travels as the webhook-id header and inside workflow ids.
    CONSTRAINT events_idempotency_key_format CHECK (idempotency_key ~ '^[!-~]{1,200}$'),
  event_type      text        NOT NULL
    CONSTRAINT events_event_type_format CHECK (event_type ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$'),
  event_version   integer     NOT NULL DEFAULT 1 CONSTRAINT events_event_version_positive CHECK (event_version > 0),
  payload         jsonb       NOT NULL,
  aggregate_type  text,
  aggregate_id    text,
  correlation_id  text,
  causation_id    text,
  -- Names of subscriptions this event must go to; NULL means "every matching subscription".
  targets         text[],
  status          text        NOT NULL DEFAULT 'pending'
    CONSTRAINT events_status_known CHECK (status IN ('pending', 'dispatched', 'delivered', 'dead_lettered', 'discarded', 'expired')),
  -- clock_timestamp(), not now(): lag is measured from the moment the row was written,
  -- not from the start of a long application transaction.
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  dispatched_at   timestamptz,
  finished_at     timestamptz,
  -- The Temporal workflow id, derived from tenant and key so operators can go from a row to
  -- its workflow (temporal workflow describe -w ...) without asking the engine.
  workflow_id     text GENERATED ALWAYS AS ('outbox:' || tenant_id || ':' || idempotency_key) STORED,
  CONSTRAINT events_tenant_key_unique UNIQUE (tenant_id, idempotency_key)
);

-- The relay only ever looks for pending rows. A partial index keeps that lookup the same
-- size whether the table holds ten delivered rows or ten million.
CREATE INDEX events_pending_idx ON outbox.events (id) WHERE status = 'pending';

-- Events handed to Temporal but not finished yet: what `outbox status` and `verify` inspect.
CREATE INDEX events_dispatched_idx ON outbox.events (id) WHERE status = 'dispatched';

COMMENT ON TABLE outbox.events IS 'Transactional outbox: one row per committed event. Write rows with outbox.enqueue(...).';
