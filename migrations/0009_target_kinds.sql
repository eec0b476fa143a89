-- Every target kind the engine delivers to (src/activities/target-kinds.ts).
ALTER TABLE outbox.subscriptions DROP CONSTRAINT subscriptions_target_kind_known;
ALTER TABLE outbox.subscriptions ADD CONSTRAINT subscriptions_target_kind_known
  CHECK (target_kind IN ('webhook', 'slack', 'n8n', 'redis-stream', 'nats', 'rabbitmq', 'mqtt', 'kafka', 'realtime'));

-- The realtime stream replays a tenant's deliveries after a reconnect: find them by id.
CREATE INDEX deliveries_realtime_idx ON outbox.deliveries (tenant_id, id)
  WHERE target_kind = 'realtime' AND outcome = 'delivered';

-- Wake the engines' stream endpoints when a realtime delivery commits.
CREATE OR REPLACE FUNCTION outbox.notify_realtime_delivery() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_realtime', NEW.tenant_id);
  RETURN NULL;
END;
$$;

CREATE TRIGGER deliveries_notify_realtime
  AFTER INSERT ON outbox.deliveries
  FOR EACH ROW WHEN (NEW.target_kind = 'realtime' AND NEW.outcome = 'delivered')
  EXECUTE FUNCTION outbox.notify_realtime_delivery();
