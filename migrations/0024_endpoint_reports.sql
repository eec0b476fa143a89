-- What each worker process has in flight per endpoint, and which endpoints it holds back from
-- the fast first pass (see endpoint-pace.ts). The pace lives in each worker's memory, where the
-- delivery path reads it for free; `outbox status` runs elsewhere, so every worker writes a
-- snapshot here every few seconds (one row per worker, overwritten) and removes it when it
-- stops. A row not refreshed for a while belongs to a worker that died and is ignored.
CREATE TABLE outbox.endpoint_reports (
  worker_id   text PRIMARY KEY,
  reported_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- [{ "subscriptionId": "7", "inFlight": 3, "firstPass": 2, "averageMs": 140, "deferred": "slow" }]
  endpoints   jsonb NOT NULL DEFAULT '[]'
);

-- As every outbox table: row-level security on, the engine role sees every row; the app role none.
ALTER TABLE outbox.endpoint_reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.endpoint_reports FOR ALL TO outbox_engine USING (true) WITH CHECK (true);
