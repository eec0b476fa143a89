/**
 * The db room: the schema as Kysely sees it (checked against the migrated database by
 * test/schema-types.test.ts), the pool and the migrator. The bottom room: it imports no other.
 */
import type { ColumnType, Generated, Insertable, RawBuilder, Selectable, Updateable } from 'kysely';
import type {
  ApiIdempotencyTable,
  ApiKeysTable,
  EventTypesTable,
  OperatorActionsTable,
  PortalLinkRevocationsTable,
  SettingsTable,
  SubscriptionAuditTable,
  TenantPermissionsTable,
  SigningKeysTable,
} from './management-tables.js';

/**
 * The outbox schema as Kysely sees it. `bigint` ids are strings: node-postgres returns int8 as
 * text so ids above 2^53 survive.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
 * const pending = await db.selectFrom('outbox.events').where('status', '=', 'pending').selectAll().execute();
 */
export interface Database {
  'outbox.events': EventsTable;
  'outbox.subscriptions': SubscriptionsTable;
  'outbox.deliveries': DeliveriesTable;
  'outbox.dead_letters': DeadLettersTable;
  'outbox.migrations': MigrationsTable;
  'outbox.circuit_breakers': CircuitBreakersTable;
  'outbox.fanout_rules': FanoutRulesTable;
  'outbox.sagas': SagasTable;
  'outbox.saga_step_results': SagaStepResultsTable;
  'outbox.endpoint_throttle': EndpointThrottleTable;
  'outbox.delivery_leases': DeliveryLeasesTable;
  'outbox.tenant_flow_control': TenantFlowControlTable;
  'outbox.ordered_deliveries': OrderedDeliveriesTable;
  'outbox.installation': InstallationTable;
  'outbox.endpoint_reports': EndpointReportsTable;
  'outbox.subscription_breakers': SubscriptionBreakersTable;
  'outbox.api_keys': ApiKeysTable;
  'outbox.api_idempotency': ApiIdempotencyTable;
  'outbox.subscription_audit': SubscriptionAuditTable;
  'outbox.event_types': EventTypesTable;
  'outbox.settings': SettingsTable;
  'outbox.tenant_permissions': TenantPermissionsTable;
  'outbox.signing_keys': SigningKeysTable;
  'outbox.operator_actions': OperatorActionsTable;
  'outbox.portal_link_revocations': PortalLinkRevocationsTable;
}

/** Which breaker a subscription's target answers to, as its last failing attempt found it (migration 0030). */
export interface SubscriptionBreakersTable {
  subscription_id: string;
  endpoint: string;
}

/** One row per running worker: its endpoint pace snapshot (migration 0024, see EndpointReporter). */
export interface EndpointReportsTable {
  worker_id: string;
  reported_at: Generated<Timestamp>;
  endpoints: ColumnType<unknown, string, string>;
}

/** One row: this outbox's installation id (migration 0020). */
export interface InstallationTable {
  singleton: Generated<boolean>;
  id: string;
  created_at: Generated<Date>;
  legacy_workflows: Generated<boolean>;
}

export interface TenantFlowControlTable {
  tenant_id: string;
  flow_control: ColumnType<unknown, string, string>;
  updated_at: Generated<Date>;
}

export interface EndpointThrottleTable {
  subscription_id: string;
  clock: 'admit' | 'send';
  next_slot_at: Date;
}

export interface DeliveryLeasesTable {
  id: ColumnType<string, never, never>;
  subscription_id: string;
  expires_at: ColumnType<Date, Date | string | RawBuilder<Date>, Date>;
}

export interface SagasTable {
  id: ColumnType<string, never, never>;
  name: string;
  tenant_id: Generated<string>;
  event_pattern: string;
  event_like: ColumnType<string, never, never>;
  /** Validated with sagaStepsSchema (src/sagas/define-saga.ts) before it is written. */
  steps: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SagaStepResultsTable {
  event_id: string;
  step: string;
  result: ColumnType<unknown, string | null, string | null>;
  recorded_at: Generated<Date>;
}

/** How many of an event's deliveries must succeed (see the README's "Fan-out"). */
export type FanoutStrategy = 'all' | 'any' | 'primary';

export interface FanoutRulesTable {
  id: ColumnType<string, never, never>;
  tenant_id: Generated<string>;
  event_pattern: string;
  event_like: ColumnType<string, never, never>;
  strategy: FanoutStrategy;
  primary_subscription: string | null;
  created_at: Generated<Date>;
}

/** Lifecycle of an event row; see the README's "Event states". */
export type EventStatus = 'pending' | 'dispatched' | 'delivered' | 'dead_lettered' | 'discarded' | 'expired' | 'compensated';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type GeneratedId = ColumnType<string, never, never>;

export interface EventsTable {
  id: GeneratedId;
  tenant_id: string;
  idempotency_key: string;
  event_type: string;
  event_version: Generated<number>;
  payload: ColumnType<unknown, string, string>;
  aggregate_type: string | null;
  aggregate_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  targets: string[] | null;
  status: Generated<EventStatus>;
  created_at: Generated<Date>;
  dispatched_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** Written by the relay at dispatch (see migration 0020); NULL while the row is pending. */
  workflow_id: ColumnType<string | null, never, string>;
  /** W3C trace context of the enqueuing transaction (tracing). */
  traceparent: ColumnType<string | null, string | null | undefined, string | null>;
  /** Waiting for a rate-limit slot until then: outside its tenant's admission window (0022). */
  parked_until: ColumnType<Date | null, never, Date | string | null>;
  /** Held, not started, until one of these breakers lets deliveries through (0030; NULL: not held). */
  held_for: ColumnType<string[] | null, never, string[] | null>;
}

export interface SubscriptionsTable {
  id: GeneratedId;
  name: string;
  tenant_id: Generated<string>;
  event_pattern: string;
  event_like: ColumnType<string, never, never>;
  target_kind: string;
  target_config: ColumnType<unknown, string, string>;
  retry_policy: ColumnType<unknown, string | undefined, string>;
  /** Content filter (migration 0027): only matching events are delivered; null: every event. */
  filter: ColumnType<unknown, string | null | undefined, string | null>;
  enabled: Generated<boolean>;
  /** Deliveries of one tenant + aggregate go one at a time, in commit order (ordered_deliveries). */
  ordered: Generated<boolean>;
  /** Rate limit and in-flight cap ({@link FlowControl}); `{}` for none. */
  flow_control: ColumnType<unknown, string | undefined, string>;
  disabled_reason: string | null;
  disabled_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakersTable {
  endpoint: string;
  state: Generated<CircuitState>;
  consecutive_failures: Generated<number>;
  failing_since: Timestamp | null;
  opened_at: Timestamp | null;
  next_probe_at: Timestamp | null;
  probe_started_at: Timestamp | null;
  last_error: string | null;
  updated_at: Generated<Date>;
}

export interface DeliveriesTable {
  id: GeneratedId;
  event_id: string;
  subscription_id: string | null;
  tenant_id: string;
  target_kind: string;
  target: string;
  attempt: number;
  outcome: 'delivered' | 'retryable_failure' | 'permanent_failure' | 'skipped';
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  workflow_id: string;
  /** The saga step (`charge`, or `charge:compensate`) this attempt belongs to. */
  saga_step?: string | null;
  /** The delay the engine asked for before the next attempt (retryable failures). */
  next_retry_delay_ms?: number | null;
  attempted_at: Generated<Date>;
}

export interface DeadLettersTable {
  id: GeneratedId;
  event_id: string;
  subscription_id: string | null;
  subscription_name: string;
  tenant_id: string;
  attempts: number;
  last_error: string;
  last_status_code: number | null;
  workflow_id: string;
  created_at: Generated<Date>;
  resolved_at: Timestamp | null;
  resolution: 'retried' | 'discarded' | 'expired' | 'superseded' | null;
  resolution_reason: string | null;
  /** The saga step whose compensation this dead letter is. */
  saga_step?: string | null;
  /** Who answered it: the key, portal link or user the retry/discard signal named (migration 0031). */
  resolved_by?: string | null;
}

export interface MigrationsTable {
  id: number;
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type NewSubscriptionRow = Insertable<SubscriptionsTable>;
export type SubscriptionUpdate = Updateable<SubscriptionsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type NewDeliveryRow = Insertable<DeliveriesTable>;
export type DeadLetterRow = Selectable<DeadLettersTable>;
export type CircuitBreakerRow = Selectable<CircuitBreakersTable>;
export type NewDeadLetterRow = Insertable<DeadLettersTable>;

/** A delivery's place in its lane: one ordered subscription, one tenant, one aggregate. */
export interface OrderedDeliveriesTable {
  subscription_id: string;
  tenant_id: string;
  /** `aggregate_type:aggregate_id` */
  ordering_key: string;
  event_id: string;
  state: Generated<'waiting' | 'delivering' | 'done'>;
  updated_at: Generated<Date>;
}
