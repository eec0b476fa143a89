import type { EventRow } from '../db/database.js';

/**
 * The JSON body every target receives. Follows the Standard Webhooks payload shape (`type`,
 * `timestamp`, `data`) and adds the outbox's own identifiers.
 */
export interface EventEnvelope {
  type: string;
  timestamp: string;
  data: unknown;
  /** The message id (same as {@link TargetMessage.id}): unique across tenants and installations. */
  id: string;
  /** The key the application enqueued with (unique per tenant only). */
  idempotencyKey: string;
  eventId: string;
  tenant: string;
  version: number;
  aggregate?: { type: string | null; id: string | null };
  correlationId?: string;
  causationId?: string;
  /** Present on saga steps and compensations (see src/activities/saga-message.ts). */
  saga?: SagaEnvelope;
}

/** What a saga step's target learns about the saga. */
export interface SagaEnvelope {
  name: string;
  step: string;
  /** `step` runs the step, `compensation` undoes it. */
  phase: 'step' | 'compensation';
  /** The answers of the steps completed so far, by step name (JSON, text, or null). */
  results: Record<string, unknown>;
}

/** What every target kind sends: the dedupe id, the serialised event, and fields for routing. */
export interface TargetMessage {
  /**
   * The dedupe id: `webhook-id`, `Nats-Msg-Id`, `message_id`, … per medium. It is the event's
   * workflow id, `outbox:<installation>:<tenant>:<idempotency key>`, so it is unique across
   * tenants and installations and the same on every attempt, retry and replay.
   */
  id: string;
  eventType: string;
  /** JSON text of {@link EventEnvelope}. */
  body: string;
  envelope: EventEnvelope;
}

/**
 * Builds the message for an event row, identical on every attempt and every target. `messageId`
 * is the id of the workflow delivering it (see {@link TargetMessage.id}).
 *
 * @example
 * const message = buildTargetMessage(eventRow, 'outbox:3f9a1c2e07:acme:order-42'); // message.body is the JSON envelope
 */
export function buildTargetMessage(event: EventRow, messageId: string): TargetMessage {
  const envelope: EventEnvelope = {
    type: event.event_type,
    timestamp: event.created_at.toISOString(),
    data: event.payload,
    id: messageId,
    idempotencyKey: event.idempotency_key,
    eventId: event.id,
    tenant: event.tenant_id,
    version: event.event_version,
  };
  if (event.aggregate_type !== null || event.aggregate_id !== null) {
    envelope.aggregate = { type: event.aggregate_type, id: event.aggregate_id };
  }
  if (event.correlation_id !== null) envelope.correlationId = event.correlation_id;
  if (event.causation_id !== null) envelope.causationId = event.causation_id;
  return { id: messageId, eventType: event.event_type, body: JSON.stringify(envelope), envelope };
}

/** Placeholders a topic, subject, stream or routing-key template may use. */
export const TEMPLATE_PLACEHOLDERS = ['tenant', 'type', 'aggregate_type', 'aggregate_id', 'event_id'] as const;

/**
 * Fills `{tenant}`, `{type}`, `{aggregate_type}`, `{aggregate_id}` and `{event_id}` in a
 * destination name (missing aggregate parts become `none`).
 *
 * @example
 * renderDestination('outbox/{tenant}/{type}', message); // 'outbox/acme/order.created'
 */
export function renderDestination(template: string, message: TargetMessage): string {
  const values: Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string> = {
    tenant: message.envelope.tenant,
    type: message.eventType,
    aggregate_type: message.envelope.aggregate?.type ?? 'none',
    aggregate_id: message.envelope.aggregate?.id ?? 'none',
    event_id: message.envelope.eventId,
  };
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name as keyof typeof values] ?? whole);
}
