-- A tenant-wide default for endpoint flow control: applies to each endpoint (subscription) that
-- delivers this tenant's events and has no limits of its own.
CREATE TABLE outbox.tenant_flow_control (
  tenant_id    text        PRIMARY KEY
    CONSTRAINT tenant_flow_control_tenant_id_format CHECK (tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  -- { ratePerSecond, burst, maxInFlight }, validated by the engine before it is written.
  flow_control jsonb       NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
