-- Portal links (the web console for one tenant): `obp_<claims>.<signature>`, signed with HMAC-SHA256
-- by the key below and expiring at the time written in the claims. Nothing is stored per link, so
-- making one is free and a link cannot be found in the database; changing the key (UPDATE as the
-- owner) invalidates every link at once.
--
-- The key lives in outbox.settings, which the engine reads and only the owner writes. It is made
-- here from two gen_random_uuid() values (122 random bits each, from the server's strong random
-- source), hashed into 32 bytes.
ALTER TABLE outbox.settings DROP CONSTRAINT settings_name_known;
ALTER TABLE outbox.settings ADD CONSTRAINT settings_name_known CHECK (name IN ('max_payload_bytes', 'portal_signing_key'));
INSERT INTO outbox.settings (name, value)
VALUES ('portal_signing_key', encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex'))
ON CONFLICT (name) DO NOTHING;
