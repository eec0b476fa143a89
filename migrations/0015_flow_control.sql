-- Endpoint flow control (rate limits, in-flight caps) and the retry delay each attempt chose.
ALTER TABLE outbox.subscriptions ADD COLUMN flow_control jsonb NOT NULL DEFAULT '{}';

-- Reservation clocks per subscription (generic cell rate algorithm): `admit` paces workflows,
-- `send` paces the sends inside the deliver activity.
CREATE TABLE outbox.endpoint_throttle (
  subscription_id bigint      NOT NULL REFERENCES outbox.subscriptions (id) ON DELETE CASCADE,
  clock           text        NOT NULL CONSTRAINT endpoint_throttle_clock_known CHECK (clock IN ('admit', 'send')),
  next_slot_at    timestamptz NOT NULL,
  PRIMARY KEY (subscription_id, clock)
);

-- One row per delivery in flight to a subscription with a cap; a crashed worker's lease expires.
CREATE TABLE outbox.delivery_leases (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id bigint      NOT NULL REFERENCES outbox.subscriptions (id) ON DELETE CASCADE,
  expires_at      timestamptz NOT NULL
);
CREATE INDEX delivery_leases_subscription_idx ON outbox.delivery_leases (subscription_id);

-- The delay the engine asked Temporal to wait before the next attempt (schedule, jitter,
-- Retry-After, open breaker), so operators can see why a retry comes when it does.
ALTER TABLE outbox.deliveries ADD COLUMN next_retry_delay_ms integer;
