import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { EventTypeCatalog } from '../catalog/event-type-catalog.js';
import type { Database, EventRow } from '../db/database.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import { filterEnvelope, matchesContentFilter, type ContentFilter } from '../subscriptions/content-filter.js';
import { deliveryFailure } from '../failures/classify-failure.js';
import { DeliveryFailureType } from '../failures/failure-types.js';
import { recordAttempt } from './record-attempt.js';
import type { TargetKind } from '../targets/target-kind.js';

/**
 * Before an attempt, what the event's content decides: a payload that breaks its type's schema
 * in the catalog fails for good (SchemaViolation, naming the path) and is never sent; one the
 * subscription's content filter leaves out is skipped; anything else is sent.
 *
 * @example
 * if ((await contentVerdict(deps, event, subscription)) === 'skip') return recordSkipped(...);
 */
export async function contentVerdict(
  deps: { catalog?: EventTypeCatalog | undefined },
  event: EventRow,
  subscription: { filter: unknown },
): Promise<'send' | 'skip'> {
  const violation = await deps.catalog?.violation(event.event_type, event.event_version, event.payload);
  if (violation) {
    throw deliveryFailure(
      DeliveryFailureType.schemaViolation,
      `payload of ${event.event_type} v${event.event_version} violates its schema ${violation}; fix the producer, then replay the event`,
    );
  }
  if (subscription.filter != null && !matchesContentFilter(subscription.filter as ContentFilter, filterEnvelope(event))) return 'skip';
  return 'send';
}

/**
 * Logs a skipped attempt (outcome `skipped`: not failed, not retried) and finishes the event
 * like a delivery would, so the route is done.
 */
export async function recordSkipped(
  deps: { db: Kysely<Database>; metrics: EngineMetrics; logger: Logger },
  kind: TargetKind,
  event: EventRow,
  subscription: { id: string; name: string; target_kind: string },
  delivery: { workflowId: string; attempt: number; endpoint: string; finishEvent: boolean },
): Promise<{ statusCode: null; attempt: number; skipped: true; eventFinished?: boolean }> {
  const eventFinished = await recordAttempt(deps.db, kind, event, delivery.finishEvent, {
    event_id: event.id,
    subscription_id: subscription.id,
    tenant_id: event.tenant_id,
    target_kind: subscription.target_kind,
    target: delivery.endpoint,
    attempt: delivery.attempt,
    outcome: 'skipped',
    status_code: null,
    duration_ms: 0,
    error: null,
    workflow_id: delivery.workflowId,
  });
  deps.metrics.deliveryAttempts.inc({
    event_type: deps.metrics.eventTypeLabel(event.event_type),
    target_kind: subscription.target_kind,
    subscription: subscription.name,
    outcome: 'skipped',
  });
  deps.logger.info(
    { eventId: event.id, workflowId: delivery.workflowId, subscription: subscription.name },
    "skipped: the subscription's content filter leaves this event out",
  );
  return { statusCode: null, attempt: delivery.attempt, skipped: true, ...(eventFinished && { eventFinished }) };
}
