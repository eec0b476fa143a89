import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { TargetUrlCheck } from '../egress/check-target-url.js';
import { eventPatternSchema } from '../events/event-formats.js';
import { contentFilterSchema } from './content-filter.js';
import { flowControlSchema, retryPolicySchema, targetSchema } from './subscription-schema.js';
import {
  getSubscription,
  InvalidSubscriptionError,
  refuseBeyondTenantBounds,
  refuseUnreachableTarget,
  sealedTarget,
  defaultSecretBox,
  type StoreOptions,
  type SubscriptionSummary,
} from './subscription-store.js';

/** What an update may change; every field is optional, and only those given change. */
const changesSchema = z
  .object({
    events: eventPatternSchema.optional(),
    target: targetSchema.optional(),
    retryPolicy: retryPolicySchema.optional(),
    flowControl: flowControlSchema.optional(),
    ordered: z.boolean({ error: 'must be true or false' }).optional(),
    filter: contentFilterSchema.nullable().optional(),
  })
  .strict();

export type SubscriptionChanges = z.input<typeof changesSchema>;

/**
 * Changes some settings of a subscription by id or name, checked as `addSubscription` checks
 * them (each bad field named, nothing written). A new target replaces the old one whole (its
 * secret included: send it again, or a new one). Applies to events routed afterwards. Returns
 * the subscription, or undefined when none matched.
 *
 * @example
 * await updateSubscription(db, 'erp', { events: 'order.*', flowControl: { ratePerSecond: 20 } });
 */
export async function updateSubscription(
  db: Kysely<Database>,
  idOrName: string,
  changes: SubscriptionChanges,
  urlCheck: TargetUrlCheck = {},
  options: StoreOptions = {},
): Promise<SubscriptionSummary | undefined> {
  const parsed = changesSchema.safeParse(changes);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'value', message: issue.message }));
    throw new InvalidSubscriptionError(`Invalid changes: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}. Nothing was saved.`, issues);
  }
  const next = parsed.data;
  if (options.asTenant) refuseBeyondTenantBounds(next.target?.config as { timeoutMs?: unknown } | undefined, next.retryPolicy, 'Invalid changes');
  const current = await getSubscription(db, idOrName);
  if (!current) return undefined;
  // SSRF protection, as when adding (the worker checks every connection again).
  if (next.target) await refuseUnreachableTarget(next.target, urlCheck, 'Invalid changes');
  const targetConfig = next.target && sealedTarget(next.target, options.secrets ?? defaultSecretBox(), 'Invalid changes');
  const set = {
    ...(next.events !== undefined && { event_pattern: next.events }),
    ...(next.target !== undefined && { target_kind: next.target.kind, target_config: targetConfig }),
    ...(next.retryPolicy !== undefined && { retry_policy: JSON.stringify(next.retryPolicy) }),
    ...(next.flowControl !== undefined && { flow_control: JSON.stringify(next.flowControl) }),
    ...(next.ordered !== undefined && { ordered: next.ordered }),
    ...(next.filter !== undefined && { filter: next.filter === null ? null : JSON.stringify(next.filter) }),
  };
  if (Object.keys(set).length === 0) return current;
  await db
    .updateTable('outbox.subscriptions')
    .set({ ...set, updated_at: sql`now()` })
    .where('id', '=', current.id)
    .execute();
  return getSubscription(db, current.id);
}
