-- Delivery log: one row per attempt at one target, written by the delivering activity.
CREATE TABLE outbox.deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id        bigint      NOT NULL REFERENCES outbox.events (id) ON DELETE CASCADE,
  subscription_id bigint      REFERENCES outbox.subscriptions (id) ON DELETE SET NULL,
  tenant_id       text        NOT NULL,
  target_kind     text        NOT NULL,
  -- Where it went, with credentials and query strings removed.
  target          text        NOT NULL,
  attempt         integer     NOT NULL,
  outcome         text        NOT NULL
    CONSTRAINT deliveries_outcome_known CHECK (outcome IN ('delivered', 'retryable_failure', 'permanent_failure')),
  status_code     integer,
  duration_ms     double precision NOT NULL,
  error           text,
  workflow_id     text        NOT NULL,
  attempted_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX deliveries_event_idx ON outbox.deliveries (event_id, subscription_id);
