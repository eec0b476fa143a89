// Public API for applications and workflow authors.
export { defineEvent, type EventDefinition, type EventInput } from './events/define-event.js';
export { enqueue, enqueueMany, type OutboxExecutor, type PgQueryable } from './outbox/enqueue.js';
export type { OutboxEvent } from './events/event-formats.js';
export { InvalidEventError } from './events/invalid-event-error.js';
export { migrate, pendingMigrations, MigrationError, MIGRATIONS_DIR } from './db/migrate.js';
export type { Database, EventRow, EventStatus, SubscriptionRow, DeliveryRow, DeadLetterRow } from './db/database.js';
export { createDatabase, type OutboxDatabase } from './db/create-database.js';
export { addSubscription, listSubscriptions, removeSubscription, generateWebhookSecret, InvalidSubscriptionError } from './subscriptions/subscription-store.js';
export { loadConfig, ConfigError, type EngineConfig } from './config/load-config.js';
export { startEngine, type RunningEngine, type EngineRoles } from './engine/start-engine.js';
export { workflowIdFor, DELIVER_EVENT_WORKFLOW, searchAttributeKeys } from './workflows/definitions.js';
// An event's workflow id needs the database's installation id: readInstallation(db).id.
export { readInstallation, renameInstallation, workflowIdOfRow, type Installation } from './outbox/installation.js';
export { readOutboxStatus, type OutboxStatus } from './outbox/read-status.js';
// What a workflow run costs on Temporal Cloud, counted from its history.
export { countActions, dollarsPerMillionEvents, ACTION_LIST_PRICES, type ActionCount } from './temporal/count-actions.js';
export { defineSaga, InvalidSagaError, type SagaDefinition, type SagaDefinitionInput, type SagaStep } from './sagas/define-saga.js';
export { saveSaga, listSagas, removeSaga, type StoredSaga } from './sagas/saga-store.js';
export { setFanoutRule, listFanoutRules, removeFanoutRule, type FanoutRule } from './subscriptions/fanout-rules.js';
export {
  registerEventType,
  registerEventDefinition,
  listEventTypes,
  removeEventType,
  InvalidEventTypeError,
  type EventType,
} from './catalog/event-type-store.js';
export { rotateWebhookSecret, SecretRotationError } from './subscriptions/rotate-webhook-secret.js';
// Secrets at rest (OUTBOX_SECRET_KEYS) and the ed25519 keys of v1a webhook signatures.
export { SecretBox } from './secrets/secret-box.js';
export { resealSubscriptionSecrets, type ResealReport } from './subscriptions/reseal-secrets.js';
export { rotateSigningKey, publishedSigningKeys, signV1a, type PublishedSigningKey } from './targets/webhook/signing-key-ring.js';
export { createApiKey, listApiKeys, revokeApiKey, type ApiKeySummary } from './api/api-key-store.js';
export { signStreamToken } from './realtime/stream-token.js';
export type { EventDeliveryStatus, SagaStatus, SagaStepStatus, SagaStepState } from './workflows/definitions.js';
// Workflow-sandbox helpers (compensations) live in `outbox-temporal/workflow`.
export { createInbox, type Inbox, type InboxAnswer, type InboxEvent, type InboxHandler, type InboxOptions } from './inbox/create-inbox.js';
