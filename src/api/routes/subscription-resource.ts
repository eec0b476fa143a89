import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { HttpProblem } from '../http-errors.js';
import { timestamp } from '../api-schemas.js';
import type { SubscriptionSummary } from '../../subscriptions/subscription-store.js';
import { shownRetryPolicy } from '../../subscriptions/shown-retry-policy.js';
import { TARGET_KIND_NAMES, TARGET_KINDS, type TargetKindName } from '../../targets/target-registry.js';
import { webhookConfigSchema } from '../../targets/webhook/webhook-target.js';

// The subscription resource as the API shows and takes it, shared by subscription-routes.ts
// and subscription-action-routes.ts.

/** Per-endpoint limits, as set (flowControl) and shown, and as tenant defaults (tenant-limits). */
export const endpointLimitsSchema = z
  .object({
    ratePerSecond: z.number().min(0.001).max(100_000).optional().describe('deliveries a second per endpoint, at most (0.001 to 100 000)'),
    burst: z.number().int().min(1).max(10_000).optional().describe('after a quiet spell, this many may go at once (needs ratePerSecond)'),
    maxInFlight: z.number().int().min(1).max(10_000).optional().describe('deliveries under way per endpoint, at most'),
  })
  .strict()
  .meta({ id: 'EndpointLimits' });

const duration = z.union([z.string(), z.number()]).describe('a duration such as 500ms, 5s, 10m or 2h, or a number of milliseconds');

/** A retry policy as written: what POST and PATCH take, and (with durations as strings) what GET shows. */
export const retryPolicyBody = z
  .object({
    schedule: z
      .enum(['exponential', 'standard-webhooks', 'custom'])
      .optional()
      .describe('exponential (default), the Standard Webhooks schedule, or your own delays'),
    delays: z.array(duration).min(1).max(100).optional().describe("schedule 'custom' only: the delays between attempts"),
    jitter: z.number().min(0).max(1).optional().describe('spread of each delay, 0 to 1 (default 0.2)'),
    initialInterval: duration.optional(),
    backoffCoefficient: z.number().min(1).max(100).optional(),
    maximumInterval: duration.optional(),
    maximumAttempts: z.number().int().min(1).max(10_000).optional().describe('exponential only: a schedule fixes its own'),
    deadline: duration.optional().describe('overall time for the attempts of one pass'),
    nonRetryableErrorTypes: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .meta({ id: 'RetryPolicy' });

const shownRetryPolicySchema = z
  .object({
    schedule: z.enum(['exponential', 'standard-webhooks', 'custom']),
    delays: z.array(z.string()).optional(),
    jitter: z.number(),
    initialInterval: z.string(),
    backoffCoefficient: z.number(),
    maximumInterval: z.string(),
    maximumAttempts: z.number().int().optional(),
    deadline: z.string().optional(),
    nonRetryableErrorTypes: z.array(z.string()),
  })
  .meta({ id: 'ShownRetryPolicy', description: 'as written: send it back in a PATCH unchanged and the policy stays the same' });

/** Each target kind's settings as the API takes them (its own schema; a webhook's secret may be left out: one is generated). */
export const targetBody = z
  .discriminatedUnion(
    'kind',
    TARGET_KIND_NAMES.map((name) => {
      const config = name === 'webhook' ? webhookConfigSchema.partial({ secret: true }) : TARGET_KINDS[name].configSchema;
      return z
        .object({ kind: z.literal(name), config })
        .strict()
        .meta({ id: `${name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase())}Target` });
    }) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .describe('where events go: one of the target kinds with its settings, e.g. {"kind": "webhook", "config": {"url": "https://…"}}');

const filterSchema = z
  .record(z.string(), z.unknown())
  .describe('deliver only matching events, e.g. {"data.total": {"$gte": 100}, "data.country": {"$in": ["DE", "FR"]}}');

export const subscriptionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenant: z.string().describe('the tenant whose events it receives; "*" for every tenant (operators only)'),
    events: z.string().describe('glob over event types, e.g. order.*'),
    targetKind: z.enum(TARGET_KIND_NAMES as [TargetKindName, ...TargetKindName[]]),
    target: z.string().describe('where it delivers, without secrets'),
    secrets: z
      .array(
        z.object({
          field: z.string().describe('the setting, e.g. target.config.headers.X-Api-Key'),
          storage: z
            .enum(['encrypted', 'environment', 'clear'])
            .describe("encrypted at rest with the engine's secret key; read from the worker's environment (env:NAME); or in clear (no OUTBOX_SECRET_KEYS)"),
        }),
      )
      .describe("the target's secret settings, masked: never their values"),
    clientCertificate: z
      .object({
        subject: z.string(),
        issuer: z.string(),
        fingerprint: z.string().describe('SHA-256, colon-separated hex'),
        expiresAt: z.string(),
        expiresSoon: z.boolean().describe('it expires within 14 days, or has expired'),
      })
      .nullable()
      .describe('the client certificate the target presents (mTLS); never its key'),
    retryPolicy: shownRetryPolicySchema,
    flowControl: endpointLimitsSchema,
    ordered: z.boolean(),
    filter: filterSchema.nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'Subscription' });

/** What a POST may send; the store checks it again (addresses, names, a tenant key's bounds) when saving. */
export const newSubscriptionBody = z
  .object({
    name: z.string().max(128).optional().describe('unique per tenant, not all digits; generated when left out'),
    tenant: z.string().max(128).optional().describe("a tenant key's own tenant when left out; operators: '*' (default) or any tenant"),
    events: z.string().max(200).describe('glob over event types, e.g. order.*'),
    target: targetBody,
    retryPolicy: retryPolicyBody.optional(),
    flowControl: endpointLimitsSchema.optional(),
    ordered: z.boolean().optional(),
    enabled: z.boolean().optional(),
    filter: filterSchema.optional(),
  })
  .strict()
  .meta({ id: 'NewSubscription' });

/** What a PATCH may send: only what changes. A filter is removed with `removeFilter`, never by sending null. */
export const subscriptionChangesBody = z
  .object({
    events: z.string().max(200).optional(),
    target: targetBody.optional().describe('replaces the old target whole, its secret included'),
    retryPolicy: retryPolicyBody.optional(),
    flowControl: endpointLimitsSchema.optional(),
    ordered: z.boolean().optional(),
    filter: filterSchema.optional().describe('a new filter (leave it out to keep the current one)'),
    // A boolean, not the constant true: generators send a constant field on every request.
    removeFilter: z.boolean().optional().describe('true removes the filter: every event of the pattern is delivered again (false or absent: kept)'),
  })
  .strict()
  .refine((changes) => !(changes.filter !== undefined && changes.removeFilter === true), {
    error: 'send filter or removeFilter, not both',
    path: ['removeFilter'],
  })
  .meta({ id: 'SubscriptionChanges' });

export const auditEntrySchema = z
  .object({ id: z.string(), action: z.enum(['created', 'updated', 'deleted']), changed: z.array(z.string()), actor: z.string(), at: timestamp })
  .meta({ id: 'AuditEntry' });

export const show = (summary: SubscriptionSummary) => ({
  ...summary,
  targetKind: summary.targetKind as TargetKindName,
  retryPolicy: shownRetryPolicy(summary.retryPolicy),
  createdAt: summary.createdAt.toISOString(),
});
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
