import type { ColumnType, Generated } from 'kysely';

// Tables of the management API, the event-type catalog and the settings, as Kysely sees them
// (part of `Database` in database.ts; test/schema-types.test.ts checks them against the migrations).

type Written<T> = ColumnType<T, T | string | undefined, T | string>;

/** API keys (migration 0025): only the key's hash is stored. */
export interface ApiKeysTable {
  id: ColumnType<string, never, never>;
  prefix: string;
  key_hash: Buffer;
  name: string;
  scope: 'operator' | 'tenant';
  tenant_id: string | null;
  created_at: Generated<Date>;
  last_used_at: Written<Date> | null;
  revoked_at: Written<Date> | null;
}

/** The first answer to a POST with an Idempotency-Key, per API key (migration 0025). */
export interface ApiIdempotencyTable {
  api_key_id: string;
  idempotency_key: string;
  request_hash: Buffer;
  status: number;
  response: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

/** Every change to a subscription, written by a trigger (migration 0025). */
export interface SubscriptionAuditTable {
  id: ColumnType<string, never, never>;
  subscription_id: string;
  subscription: string;
  tenant_id: string;
  action: 'created' | 'updated' | 'deleted';
  changed: Generated<string[]>;
  actor: string;
  at: Generated<Date>;
}

/** The event-type catalog (migration 0026). */
export interface EventTypesTable {
  event_type: string;
  version: Generated<number>;
  description: string | null;
  schema: ColumnType<unknown, string, string>;
  deprecated: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Installation-wide settings only the schema's owner may change (migrations 0021, 0029). */
export interface SettingsTable {
  name: 'max_payload_bytes' | 'portal_signing_key';
  value: string;
}

/** Ed25519 keys signing webhooks (v1a); the current one has no expiry (migration 0032). */
export interface SigningKeysTable {
  id: string;
  /** Raw 32-byte public key, base64. */
  public_key: string;
  /** The 32-byte seed, base64, sealed when the engine has a secret key (secrets/secret-box.ts). */
  private_key: string;
  created_at: Generated<Date>;
  expires_at: Date | null;
}

/** Which target kinds beyond HTTP and realtime a tenant's keys may use (migration 0031). */
export interface TenantPermissionsTable {
  tenant_id: string;
  target_kinds: string[];
  updated_at: Generated<Date>;
}

/** Every retry, discard and replay an operator or tenant asked for (migration 0031). */
export interface OperatorActionsTable {
  id: ColumnType<string, never, never>;
  action: 'retry' | 'discard' | 'replay';
  actor: string;
  tenant_id: string | null;
  selection: ColumnType<unknown, string, string>;
  matched: number;
  signalled: number;
  at: Generated<Date>;
}

/** Portal links revoked before their expiry: one by id, or a tenant's issued before (migration 0031). */
export interface PortalLinkRevocationsTable {
  id: ColumnType<string, never, never>;
  link_id: string | null;
  tenant_id: string | null;
  actor: string;
  revoked_at: Generated<Date>;
}
