-- The outbox lives in its own schema so it never collides with application tables.
-- The migration runner creates it too (it keeps outbox.migrations there); this line is
-- for anyone reading or applying the files by hand.
CREATE SCHEMA IF NOT EXISTS outbox;
