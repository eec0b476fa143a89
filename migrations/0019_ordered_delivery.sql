-- Per-aggregate ordering (opt-in per subscription): events of one tenant + aggregate are delivered
-- to an ordered subscription one at a time, in commit order.
ALTER TABLE outbox.subscriptions ADD COLUMN ordered boolean NOT NULL DEFAULT false;

-- One row per (ordered subscription, event with an aggregate), written by the relay in the same
-- transaction that marks the event dispatched. An event's delivery to the subscription waits
-- until every earlier row of its lane (subscription, tenant, aggregate) is done; a dead-lettered
-- delivery is not done, so it holds its successors until it is retried or discarded.
CREATE TABLE outbox.ordered_deliveries (
  subscription_id bigint      NOT NULL REFERENCES outbox.subscriptions (id) ON DELETE CASCADE,
  tenant_id       text        NOT NULL,
  -- aggregate_type:aggregate_id
  ordering_key    text        NOT NULL,
  event_id        bigint      NOT NULL REFERENCES outbox.events (id) ON DELETE CASCADE,
  state           text        NOT NULL DEFAULT 'waiting'
    CONSTRAINT ordered_deliveries_state_known CHECK (state IN ('waiting', 'delivering', 'done')),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription_id, tenant_id, ordering_key, event_id)
);
CREATE INDEX ordered_deliveries_event_idx ON outbox.ordered_deliveries (event_id);
-- Open lanes only: what `outbox status` and the turn checks scan stays small.
CREATE INDEX ordered_deliveries_open_idx ON outbox.ordered_deliveries (subscription_id, tenant_id, ordering_key, event_id) WHERE state <> 'done';

-- Earlier events of an aggregate not yet dispatched (so not yet in a lane): the turn check waits
-- for them too. Pending rows are few, so this index stays tiny.
CREATE INDEX events_pending_aggregate_idx ON outbox.events (tenant_id, aggregate_type, aggregate_id, id)
  WHERE status = 'pending' AND aggregate_id IS NOT NULL;

ALTER TABLE outbox.ordered_deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.ordered_deliveries FOR ALL TO outbox_engine USING (true) WITH CHECK (true);
