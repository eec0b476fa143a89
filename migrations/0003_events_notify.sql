-- Wake the relay as soon as events commit. NOTIFY is delivered only on commit, so a rolled-back
-- transaction never wakes anyone; one notification per statement keeps bulk inserts cheap.
-- The relay also polls, so a lost notification only costs latency, never an event.
CREATE OR REPLACE FUNCTION outbox.notify_new_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_events', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER events_notify_relay
  AFTER INSERT ON outbox.events
  FOR EACH STATEMENT EXECUTE FUNCTION outbox.notify_new_events();
