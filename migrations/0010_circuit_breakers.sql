-- One circuit breaker per target endpoint ("<kind> <endpoint>"), shared by every worker: after
-- too many consecutive failures deliveries to the endpoint fail fast until a probe succeeds.
CREATE TABLE outbox.circuit_breakers (
  endpoint             text        PRIMARY KEY,
  state                text        NOT NULL DEFAULT 'closed'
    CONSTRAINT circuit_breakers_state_known CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures integer     NOT NULL DEFAULT 0,
  -- First failure of the current streak: how long the endpoint has been failing.
  failing_since        timestamptz,
  opened_at            timestamptz,
  -- When an open breaker lets one delivery through as a probe.
  next_probe_at        timestamptz,
  probe_started_at     timestamptz,
  last_error           text,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Subscriptions turned off by the engine (an endpoint failing for days) or an operator, and why.
ALTER TABLE outbox.subscriptions ADD COLUMN disabled_reason text;
ALTER TABLE outbox.subscriptions ADD COLUMN disabled_at timestamptz;
