-- Retention (`outbox cleanup`, OUTBOX_RETENTION) deletes finished events oldest first. This
-- partial index finds them without scanning events still in flight, whatever the table's size.
CREATE INDEX events_finished_idx ON outbox.events (finished_at)
  WHERE status IN ('delivered', 'discarded', 'expired', 'compensated');
