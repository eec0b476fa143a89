import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * The engine's own events about trouble, enqueued through `outbox.enqueue` for the affected
 * tenant (the tenant of the event being delivered), so anyone can subscribe with the usual
 * machinery (`--events 'outbox.*'`, or one of the types), as Svix's operational webhooks. A
 * catch-all `*` subscription does not receive them: they go only where they were asked for.
 */
export const OPERATIONAL_EVENT = {
  /** A subscription was turned off: its endpoint answered 410 Gone, or kept failing past OUTBOX_ENDPOINT_DISABLE_AFTER. */
  endpointDisabled: 'outbox.endpoint.disabled',
  /** An endpoint whose circuit breaker had opened answered again; the breaker closed. */
  endpointRecovered: 'outbox.endpoint.recovered',
  /** A delivery exhausted its retries (or failed for good) and waits for an operator. */
  deliveryDeadLettered: 'outbox.delivery.dead_lettered',
  /** A subscription's client certificate (mTLS) expires within 14 days, or has expired: renew it. */
  certificateExpiring: 'outbox.endpoint.certificate_expiring',
} as const;

/** Operational events are `outbox.*`: trouble delivering one of them emits none (no loops). */
export function isOperationalEvent(eventType: string): boolean {
  return eventType.startsWith('outbox.');
}

/**
 * Enqueues an operational event about the delivery of an event of `about.eventType`, inside
 * the caller's transaction when `db` is one (so it exists exactly when the change it reports
 * does), to the enabled subscriptions of that tenant (or of every tenant) whose pattern names
 * the `outbox.` namespace and matches its type.
 * Nothing is emitted about an operational event. `key` makes a repeat (an activity's retry)
 * the same event.
 *
 * @example
 * await emitOperationalEvent(trx, { tenant: 'acme', eventType: 'invoice.sent' }, OPERATIONAL_EVENT.deliveryDeadLettered, `dead-letter:${id}`, { deadLetterId: id });
 */
export async function emitOperationalEvent(
  db: Kysely<Database>,
  about: { tenant: string; eventType: string },
  type: (typeof OPERATIONAL_EVENT)[keyof typeof OPERATIONAL_EVENT],
  key: string,
  data: Record<string, unknown>,
): Promise<void> {
  if (isOperationalEvent(about.eventType)) return;
  // Addressed (option targets) to the enabled subscriptions that asked for operational events by
  // name, with a pattern in the outbox. namespace: a catch-all '*' subscription does not get
  // them unasked. With none, nothing is written: a tenant nobody listens for pays nothing.
  await sql`
    SELECT outbox.enqueue(${about.tenant}, ${type}, ${JSON.stringify(data)}::jsonb, ${`${type}:${key}`}, jsonb_build_object('targets', t.names))
      FROM (SELECT array_agg(s.name ORDER BY s.id) AS names FROM outbox.subscriptions s
             WHERE s.enabled AND s.event_pattern LIKE 'outbox.%' AND outbox.applies_to(s.tenant_id, s.event_like, ${about.tenant}, ${type})) t
     WHERE t.names IS NOT NULL`.execute(db);
}
