import { sql, type Kysely } from 'kysely';
import type { Database, EventRow, FanoutStrategy, SubscriptionRow } from '../db/database.js';
import type { FanoutRule } from '../routing/fanout-roles.js';

/** A subscription as the first pass needs it: what delivering needs, and whether it is ordered. */
export type RoutedSubscription = Pick<
  SubscriptionRow,
  'id' | 'name' | 'target_kind' | 'target_config' | 'retry_policy' | 'flow_control' | 'enabled' | 'disabled_reason' | 'ordered' | 'filter'
> & {
  timeout_ms: number | null;
};

/** Everything routing and a first attempt need about one event, read in one statement. */
export interface EventRouting {
  /** The row, with its payload unless that is above the limit (then `payloadTooLarge`). */
  event: EventRow;
  payloadTooLarge: boolean;
  /** Subscriptions the event goes to (see resolveRoutes for the rule), by id. */
  subscriptions: RoutedSubscription[];
  rule: FanoutRule;
  /** A saga route matches (events with explicit targets never take one). */
  hasSaga: boolean;
  /** The event holds a place in an ordered lane. */
  hasLanes: boolean;
  /** The tenant's stored default limits (unparsed), if any. */
  tenantLimits: unknown;
}

interface RoutingRow extends Omit<EventRow, 'payload'> {
  payload: unknown;
  payload_bytes: number;
  payload_limit: number;
  subscriptions: (Omit<RoutedSubscription, 'id'> & { id: string })[];
  fanout: { strategy: FanoutStrategy; primary: string | null } | null;
  has_saga: boolean;
  has_lanes: boolean;
  tenant_limits: unknown;
}

/**
 * Reads an event and everything that decides where it goes, in one round trip: the row (its
 * payload only when within outbox.settings' limit), the subscriptions it routes to, the fan-out
 * rule, whether a saga or an ordered lane takes it, and the tenant's default limits. The routing
 * conditions are the rule's SQL functions (migrations/0028_routing_rule.sql), as in resolveRoutes; the first pass uses this read and falls back to
 * resolveRoutes for sagas and ordered lanes. Undefined when the row is gone.
 *
 * @example
 * const routing = await loadRouting(db, '42');
 */
export async function loadRouting(db: Kysely<Database>, eventId: string): Promise<EventRouting | undefined> {
  const { rows } = await sql<RoutingRow>`
    SELECT e.id::text AS id, e.tenant_id, e.idempotency_key, e.event_type, e.event_version, e.aggregate_type, e.aggregate_id,
           e.correlation_id, e.causation_id, e.targets, e.status, e.created_at, e.dispatched_at, e.finished_at, e.workflow_id,
           e.traceparent, size.bytes AS payload_bytes, settings.max AS payload_limit,
           CASE WHEN size.bytes <= settings.max THEN e.payload END AS payload,
           coalesce((SELECT jsonb_agg(jsonb_build_object(
                              'id', s.id::text, 'name', s.name, 'target_kind', s.target_kind, 'target_config', s.target_config,
                              'retry_policy', s.retry_policy, 'flow_control', s.flow_control, 'enabled', s.enabled,
                              'disabled_reason', s.disabled_reason, 'ordered', s.ordered, 'filter', s.filter,
                              'timeout_ms', (s.target_config ->> 'timeoutMs')::integer) ORDER BY s.id)
                       FROM outbox.subscriptions s
                      WHERE outbox.routes_to(s.tenant_id, s.name, s.event_like, e.tenant_id, e.event_type, e.targets)), '[]') AS subscriptions,
           (SELECT jsonb_build_object('strategy', r.strategy, 'primary', r.primary_subscription)
              FROM outbox.fanout_rules r
             WHERE outbox.applies_to(r.tenant_id, r.event_like, e.tenant_id, e.event_type)
             ORDER BY (r.tenant_id <> '*') DESC, length(replace(r.event_pattern, '*', '')) DESC, r.id
             LIMIT 1) AS fanout,
           (e.targets IS NULL AND EXISTS (SELECT 1 FROM outbox.sagas g
                                           WHERE outbox.applies_to(g.tenant_id, g.event_like, e.tenant_id, e.event_type))) AS has_saga,
           EXISTS (SELECT 1 FROM outbox.ordered_deliveries o WHERE o.event_id = e.id AND o.state <> 'done') AS has_lanes,
           (SELECT t.flow_control FROM outbox.tenant_flow_control t WHERE t.tenant_id = e.tenant_id) AS tenant_limits
      FROM outbox.events e
     CROSS JOIN LATERAL (SELECT octet_length(e.payload::text) AS bytes) size
     CROSS JOIN (SELECT coalesce((SELECT value::integer FROM outbox.settings WHERE name = 'max_payload_bytes'), 1048576) AS max) settings
     WHERE e.id = ${eventId}`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const {
    payload_bytes: bytes,
    payload_limit: limit,
    subscriptions,
    fanout,
    has_saga: hasSaga,
    has_lanes: hasLanes,
    tenant_limits: tenantLimits,
    ...event
  } = row;
  return {
    event,
    payloadTooLarge: bytes > limit,
    subscriptions,
    rule: fanout ?? { strategy: 'all', primary: null },
    hasSaga,
    hasLanes,
    tenantLimits,
  };
}
