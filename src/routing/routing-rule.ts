import { sql, type RawBuilder } from 'kysely';

// The routing rule as Kysely conditions. The rule itself is SQL (outbox.routes_to and
// outbox.applies_to, migrations/0028_routing_rule.sql), so the relay's dispatch mark, the first
// pass's one-statement read and these queries cannot disagree. Both expect the rule's table
// (outbox.subscriptions, outbox.fanout_rules or outbox.sagas) as the query's only source.

/** What the rule reads of an event. */
export interface RoutedEvent {
  tenant_id: string;
  event_type: string;
  targets?: string[] | null;
}

/**
 * The subscriptions (rows of outbox.subscriptions) an event goes to: its tenant's or every
 * tenant's; the ones its `targets` name, or without targets those whose pattern matches.
 *
 * @example
 * await db.selectFrom('outbox.subscriptions').select('name').where(routesTo(event)).execute();
 */
export function routesTo(event: RoutedEvent): RawBuilder<boolean> {
  return sql<boolean>`outbox.routes_to(tenant_id, name, event_like, ${event.tenant_id}, ${event.event_type}, ${event.targets ?? null}::text[])`;
}

/**
 * The fan-out rules or sagas (rows with tenant_id and event_like) that apply to an event.
 *
 * @example
 * await db.selectFrom('outbox.sagas').select('name').where(appliesTo(event)).execute();
 */
export function appliesTo(event: Pick<RoutedEvent, 'tenant_id' | 'event_type'>): RawBuilder<boolean> {
  return sql<boolean>`outbox.applies_to(tenant_id, event_like, ${event.tenant_id}, ${event.event_type})`;
}
