-- The relay claims pending events fairly across tenants (round robin, a share of each batch per
-- tenant) instead of strictly by id, so one tenant's flood cannot hold back another's trickle.
-- The first index lets it step from one tenant with pending events to the next, and read each
-- tenant's oldest pending rows, without touching delivered rows. The second counts a tenant's
-- recently started, unfinished events: its admission window (see claim-pending-events.ts).
CREATE INDEX events_pending_tenant_idx ON outbox.events (tenant_id, id) WHERE status = 'pending';
CREATE INDEX events_dispatched_tenant_idx ON outbox.events (tenant_id, dispatched_at) WHERE status = 'dispatched';
-- An event waiting for its endpoint's rate-limit slot on a durable timer costs nothing while it
-- waits, so it does not count against its tenant's window until then (the workflow's slot
-- reservation writes this).
ALTER TABLE outbox.events ADD COLUMN parked_until timestamptz;
