-- The event-type catalog: each type's versions, with the JSON Schema its payload must satisfy.
-- Workers check payloads against it before delivery (a violation is dead-lettered, never sent);
-- the management API serves it, so consumers can read what they will receive. SQL enqueue does
-- not validate against it (PostgreSQL has no JSON Schema), the TypeScript helpers can.
CREATE TABLE outbox.event_types (
  event_type  text        NOT NULL
    CONSTRAINT event_types_type_format CHECK (event_type ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$'),
  version     int         NOT NULL DEFAULT 1 CONSTRAINT event_types_version_positive CHECK (version BETWEEN 1 AND 32767),
  description text        CONSTRAINT event_types_description_length CHECK (length(description) <= 2000),
  schema      jsonb       NOT NULL CONSTRAINT event_types_schema_object CHECK (jsonb_typeof(schema) = 'object'),
  deprecated  boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_type, version)
);
ALTER TABLE outbox.event_types ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.event_types FOR ALL TO outbox_engine USING (true) WITH CHECK (true);
-- The catalog is the installation's, not a tenant's: every tenant key may read all of it.
GRANT SELECT ON outbox.event_types TO outbox_tenant_api;
CREATE POLICY tenant_api_read_all ON outbox.event_types FOR SELECT TO outbox_tenant_api USING (true);
