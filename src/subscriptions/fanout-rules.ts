import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, FanoutStrategy } from '../db/database.js';
import { eventPatternSchema, tenantIdSchema } from '../events/event-formats.js';
import { InvalidSubscriptionError } from './subscription-store.js';

/** A fan-out rule as operators see it. */
export interface FanoutRule {
  id: string;
  tenant: string;
  events: string;
  strategy: FanoutStrategy;
  primary: string | null;
}

const ruleSchema = z
  .object({
    tenant: z.union([z.literal('*'), tenantIdSchema]).default('*'),
    events: eventPatternSchema,
    strategy: z.enum(['all', 'any', 'primary']),
    primary: z.string().min(1).optional(),
  })
  .refine((rule) => (rule.strategy === 'primary') === (rule.primary !== undefined), {
    error: "strategy 'primary' needs the primary subscription's name, and only it takes one",
    path: ['primary'],
  });

/**
 * Sets the fan-out strategy for events matching a pattern (of one tenant, or `*`), replacing a
 * rule with the same tenant and pattern. Applies to events routed afterwards.
 *
 * @example
 * await setFanoutRule(db, { events: 'payment.*', strategy: 'primary', primary: 'ledger' });
 */
export async function setFanoutRule(db: Kysely<Database>, input: z.input<typeof ruleSchema>): Promise<FanoutRule> {
  const parsed = ruleSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'value', message: issue.message }));
    throw new InvalidSubscriptionError(`Invalid fan-out rule: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}. Nothing was saved.`, issues);
  }
  const rule = parsed.data;
  const row = await db
    .insertInto('outbox.fanout_rules')
    .values({ tenant_id: rule.tenant, event_pattern: rule.events, strategy: rule.strategy, primary_subscription: rule.primary ?? null })
    .onConflict((oc) => oc.columns(['tenant_id', 'event_pattern']).doUpdateSet({ strategy: rule.strategy, primary_subscription: rule.primary ?? null }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: row.id, tenant: row.tenant_id, events: row.event_pattern, strategy: row.strategy, primary: row.primary_subscription };
}

/** Every fan-out rule. */
export async function listFanoutRules(db: Kysely<Database>): Promise<FanoutRule[]> {
  const rows = await db.selectFrom('outbox.fanout_rules').selectAll().orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, tenant: row.tenant_id, events: row.event_pattern, strategy: row.strategy, primary: row.primary_subscription }));
}

/** Removes a rule by id; its events go back to 'all'. Returns whether one was removed. */
export async function removeFanoutRule(db: Kysely<Database>, id: string): Promise<boolean> {
  if (!/^\d+$/.test(id)) return false;
  const result = await db.deleteFrom('outbox.fanout_rules').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
