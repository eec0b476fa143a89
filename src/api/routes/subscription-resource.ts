import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import type { SubscriptionSummary } from '../../subscriptions/subscription-store.js';

// The subscription resource as the API shows and takes it, shared by subscription-routes.ts
// and subscription-action-routes.ts.

export const subscriptionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenant: z.string().describe('the tenant whose events it receives; "*" for every tenant (operators only)'),
    events: z.string().describe('glob over event types, e.g. order.*'),
    targetKind: z.string(),
    target: z.string().describe('where it delivers, without secrets'),
    retryPolicy: z.record(z.string(), z.unknown()),
    flowControl: z.object({ ratePerSecond: z.number().optional(), burst: z.number().optional(), maxInFlight: z.number().optional() }),
    ordered: z.boolean(),
    filter: z.record(z.string(), z.unknown()).nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Subscription' });

/** What a POST may send; the target's settings are checked by its kind's own schema when saved. */
export const newSubscriptionBody = z
  .object({
    name: z.string().max(128).optional().describe('unique; generated when left out'),
    tenant: z.string().max(128).optional().describe("a tenant key's own tenant when left out; operators: '*' (default) or any tenant"),
    events: z.string().max(200).describe('glob over event types, e.g. order.*'),
    target: z
      .object({ kind: z.string(), config: z.record(z.string(), z.unknown()) })
      .strict()
      .describe('e.g. {"kind": "webhook", "config": {"url": "https://…"}}'),
    retryPolicy: z.record(z.string(), z.unknown()).optional(),
    flowControl: z.record(z.string(), z.unknown()).optional(),
    ordered: z.boolean().optional(),
    enabled: z.boolean().optional(),
    filter: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('deliver only matching events, e.g. {"data.total": {"$gte": 100}, "data.country": {"$in": ["DE", "FR"]}}'),
  })
  .strict()
  .meta({ id: 'NewSubscription' });

export const auditEntrySchema = z
  .object({ id: z.string(), action: z.enum(['created', 'updated', 'deleted']), changed: z.array(z.string()), actor: z.string(), at: z.string() })
  .meta({ id: 'AuditEntry' });

export const show = (summary: SubscriptionSummary) => ({ ...summary, retryPolicy: { ...summary.retryPolicy }, createdAt: summary.createdAt.toISOString() });
export const notFound = (id: string) =>
  new HttpProblem(404, 'Subscription not found', `No subscription "${id.slice(0, 128)}" that this key may see; list them with GET /v1/subscriptions.`);

/**
 * What a tenant key may not give a subscription, named for the caller: the operator-only
 * settings (one rule, in SQL: outbox.operator_only_settings) and target kinds the operator has
 * not opened to the tenant (outbox.tenant_may_target). Row-level security refuses both anyway;
 * this says which field.
 */
export async function refuseOperatorOnly(db: Kysely<Database>, tenant: string, target: { kind: string; config: Record<string, unknown> }): Promise<void> {
  const { rows } = await sql<{ found: string[]; allowed: boolean }>`
    SELECT outbox.operator_only_settings(${JSON.stringify(target.config)}::jsonb) AS found, outbox.tenant_may_target(${tenant}, ${target.kind}) AS allowed`.execute(
    db,
  );
  if (rows[0] && !rows[0].allowed) {
    throw new HttpProblem(
      403,
      'Target kind not allowed',
      `target.kind: "${target.kind}" targets connect to infrastructure an operator runs; this tenant may use webhook, slack, n8n and realtime. ` +
        `An operator can open it with PUT /v1/tenant-permissions/${tenant} or \`outbox tenant-permissions set ${tenant} --target-kinds ${target.kind}\`.`,
      [{ field: 'body.target.kind', message: 'is not allowed for this tenant' }],
    );
  }
  const found = rows[0]?.found ?? [];
  if (found.length > 0) {
    throw new HttpProblem(
      403,
      'Operator-only settings',
      `${found.join(' and ')}: only an operator key may set these; leave them out.`,
      found.map((name) => ({ field: `body.target.config.${name === 'env: references' ? '*' : name}`, message: 'is operator-only' })),
    );
  }
}
