-- The installation: which outbox this database is. Several installations (services, environments,
-- a restored copy) may share one Temporal namespace; the id goes into every workflow id, the
-- default task queue and every message id, so they never take or deliver each other's events.
-- Generated here, at the first migration; `outbox installation rename` gives a restored copy
-- its own (a copy made with pg_dump or a snapshot carries the original's id).
CREATE TABLE outbox.installation (
  -- Exactly one row.
  singleton  boolean     PRIMARY KEY DEFAULT true CONSTRAINT installation_one_row CHECK (singleton),
  id         text        NOT NULL
    CONSTRAINT installation_id_format CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- True while rows may have workflows started before installation ids existed (ids
  -- "outbox:<tenant>:<key>" on the task queue "outbox-delivery"): the engine then serves that
  -- queue too, and clears the flag once none of those rows is unfinished.
  legacy_workflows boolean NOT NULL DEFAULT false
);

INSERT INTO outbox.installation (id, legacy_workflows)
SELECT substr(replace(gen_random_uuid()::text, '-', ''), 1, 10),
       EXISTS (SELECT 1 FROM outbox.events WHERE status IN ('pending', 'dispatched', 'dead_lettered'));

ALTER TABLE outbox.installation ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.installation FOR ALL TO outbox_engine USING (true) WITH CHECK (true);

-- The workflow id is no longer derived from tenant and key alone: the relay writes it when it
-- dispatches the row (NULL until then). Rows written before keep the id their workflow has.
ALTER TABLE outbox.events ALTER COLUMN workflow_id DROP EXPRESSION;
COMMENT ON COLUMN outbox.events.workflow_id IS
  'The Temporal workflow id (outbox:<installation>:<tenant>:<key>), written by the relay at dispatch; NULL while pending.';
