-- One row per delivery that exhausted its retry policy or failed for good.
CREATE TABLE outbox.dead_letters (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id         bigint      NOT NULL REFERENCES outbox.events (id) ON DELETE CASCADE,
  subscription_id  bigint      REFERENCES outbox.subscriptions (id) ON DELETE SET NULL,
  subscription_name text       NOT NULL,
  tenant_id        text        NOT NULL,
  attempts         integer     NOT NULL,
  last_error       text        NOT NULL,
  last_status_code integer,
  workflow_id      text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  resolution       text
    CONSTRAINT dead_letters_resolution_known CHECK (resolution IN ('retried', 'discarded', 'expired'))
);

-- Open dead letters are what operators look at; a partial index keeps that list cheap.
CREATE INDEX dead_letters_open_idx ON outbox.dead_letters (created_at) WHERE resolved_at IS NULL;
CREATE INDEX dead_letters_event_idx ON outbox.dead_letters (event_id);
