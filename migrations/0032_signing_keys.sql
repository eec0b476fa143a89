-- Ed25519 keys that sign webhooks with Standard Webhooks' asymmetric scheme (v1a), issue 34.
-- Receivers verify with the public key alone, published at GET /v1/signing-keys. The private
-- key is stored sealed (secrets/secret-box.ts) when the engine has OUTBOX_SECRET_KEYS or
-- OUTBOX_PAYLOAD_KEYS. One key is current (expires_at IS NULL); a rotation gives the old one an
-- expiry, until which deliveries carry both signatures and the endpoint lists both keys.
CREATE TABLE outbox.signing_keys (
  id          text        PRIMARY KEY CONSTRAINT signing_keys_id_format CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  public_key  text        NOT NULL,
  private_key text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz
);
-- At most one current key: two workers creating the first key at once end up with one.
CREATE UNIQUE INDEX signing_keys_one_current ON outbox.signing_keys ((true)) WHERE expires_at IS NULL;
ALTER TABLE outbox.signing_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_all_rows ON outbox.signing_keys FOR ALL TO outbox_engine USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox.signing_keys TO outbox_engine;
