/**
 * The subscriptions room: who receives what. Adding, updating, rotating secrets, fan-out rules,
 * tenant limits and content filters, each checked with the error naming the field. May import
 * targets/ (each kind's settings schema), secrets/, egress/, events/, durations/ and db/.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { type z } from 'zod';
import type { Database } from '../db/database.js';
import { targetKindNamed } from '../targets/target-registry.js';
import { findSubscriptionId } from './find-subscription.js';
import { tenantBoundIssues } from './tenant-bounds.js';
import { checkTargetDestinations, type TargetUrlCheck } from '../egress/check-target-url.js';
import { SecretBox } from '../secrets/secret-box.js';
import { sealTargetSecrets } from './seal-target-secrets.js';
import { summarise, type SubscriptionSummary } from './subscription-summary.js';
import { newSubscriptionSchema, type NewSubscription, type RetryPolicy } from './subscription-schema.js';

export { INVALID_TARGET, type SubscriptionSummary } from './subscription-summary.js';

/** Adding a subscription was refused; the message says which field and why. */
export class InvalidSubscriptionError extends Error {
  override readonly name = 'InvalidSubscriptionError';
  constructor(
    message: string,
    /** Each bad field by its path in the input (`target.config.url`, `retryPolicy.maximumAttempts`, …) and what is wrong with it. */
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Generates a Standard Webhooks signing secret (32 random bytes). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Store options: `asTenant` holds a tenant key's request to TENANT_BOUNDS; `secrets` seals secret settings (default: the keys in process.env). */
export interface StoreOptions {
  asTenant?: boolean;
  secrets?: SecretBox;
}

/** The box that seals secrets for this process: OUTBOX_SECRET_KEYS, else OUTBOX_PAYLOAD_KEYS, else none (clear). */
export function defaultSecretBox(): SecretBox {
  return SecretBox.fromEnv(process.env);
}

/**
 * The target with its secret settings sealed (see sealTargetSecrets); a sealed value given from
 * outside is refused naming its field, nothing saved.
 */
export function sealedTarget(target: { kind: string; config: unknown }, box: SecretBox, what: string): string {
  const { config, refused } = sealTargetSecrets(target.kind, target.config, box, { fromInput: true });
  if (refused !== undefined) {
    const message = 'sealed values are written by the engine only; send the secret itself (or env:NAME)';
    throw new InvalidSubscriptionError(`${what}: ${refused}: ${message}. Nothing was saved.`, [{ field: refused, message }]);
  }
  return JSON.stringify(config);
}

/**
 * Validates and stores a subscription. Throws {@link InvalidSubscriptionError} naming the bad
 * field; nothing is written then. Secret settings (a webhook's secret and headers, broker
 * passwords) are sealed with the engine's secret key before they are written. HTTP targets on loopback, private, link-local, unique-local or
 * multicast addresses are refused unless OUTBOX_ALLOW_PRIVATE_TARGETS (or `urlCheck`) allows
 * them or the target sets `allowPrivateAddresses`.
 *
 * @example
 * await addSubscription(db, {
 *   name: 'orders-to-erp', tenant: '*', events: 'order.*',
 *   target: { kind: 'webhook', config: { url: 'https://erp.example.com/hooks', secret: generateWebhookSecret() } },
 *   retryPolicy: { maximumAttempts: 5, initialInterval: '1s' },
 * });
 */
export async function addSubscription(
  db: Kysely<Database>,
  input: Omit<NewSubscription, 'name'> & { name?: string },
  urlCheck: TargetUrlCheck = {},
  options: StoreOptions = {},
): Promise<SubscriptionSummary> {
  const parsed = newSubscriptionSchema.safeParse({ ...input, name: input.name ?? `${input.target.kind}-${randomBytes(4).toString('hex')}` });
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    const text = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
    throw new InvalidSubscriptionError(`Invalid subscription: ${text}. Nothing was saved.`, issues);
  }
  const subscription = parsed.data;
  if (options.asTenant) refuseBeyondTenantBounds(subscription.target.config as { timeoutMs?: unknown }, subscription.retryPolicy, 'Invalid subscription');
  // SSRF protection, first pass: the addresses as saved (the worker checks every connection again).
  await refuseUnreachableTarget(subscription.target, urlCheck, 'Invalid subscription');
  const targetConfig = sealedTarget(subscription.target, options.secrets ?? defaultSecretBox(), 'Invalid subscription');
  try {
    const row = await db
      .insertInto('outbox.subscriptions')
      .values({
        name: subscription.name,
        tenant_id: subscription.tenant,
        event_pattern: subscription.events,
        target_kind: subscription.target.kind,
        target_config: targetConfig,
        retry_policy: JSON.stringify(subscription.retryPolicy),
        flow_control: JSON.stringify(subscription.flowControl),
        ordered: subscription.ordered,
        enabled: subscription.enabled,
        // Only when given: a schema migrated before 0027 has no such column.
        ...(subscription.filter !== undefined && { filter: JSON.stringify(subscription.filter) }),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return summarise(row);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new InvalidSubscriptionError(
        `A subscription named "${subscription.name}" already exists where this one would deliver (this tenant's, or one for every tenant). Choose another name, or remove the old one first.`,
      );
    }
    throw error;
  }
}

/**
 * Refuses a target that connects to an address the policy refuses (loopback, private,
 * link-local, …), unless it sets `allowPrivateAddresses`: every kind, HTTP or broker, the same
 * way. Throws InvalidSubscriptionError naming the field.
 */
export async function refuseUnreachableTarget(target: { kind: string; config: unknown }, urlCheck: TargetUrlCheck, what: string): Promise<void> {
  const egress = targetKindNamed(target.kind)?.egress?.(target.config);
  if (!egress || egress.allowPrivateAddresses) return;
  const refused = await checkTargetDestinations(egress.destinations, urlCheck);
  if (!refused) return;
  const named = egress.fields?.[egress.destinations.indexOf(refused.destination)];
  const field = named ?? (target.kind === 'kafka' ? 'target.config.brokers' : 'target.config.url');
  throw new InvalidSubscriptionError(`${what}: ${field}: ${refused.refusal.message} Nothing was saved.`, [
    { field, message: refused.refusal.message.replace(/\.$/, '') },
  ]);
}

/** Throws InvalidSubscriptionError naming each setting beyond what a tenant key may set (tenant-bounds.ts). */
export function refuseBeyondTenantBounds(config: { timeoutMs?: unknown } | undefined, policy: RetryPolicy | undefined, what: string): void {
  const issues = tenantBoundIssues(config, policy);
  if (issues.length > 0) {
    throw new InvalidSubscriptionError(`${what}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}. Nothing was saved.`, issues);
  }
}

function fieldIssues(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || 'value', message: issue.message }));
}

/**
 * Lists subscriptions, oldest first, without secrets.
 *
 * @example
 * for (const s of await listSubscriptions(db)) console.log(s.name, s.events, s.target);
 */
export async function listSubscriptions(db: Kysely<Database>, page: { afterId?: string; limit?: number } = {}): Promise<SubscriptionSummary[]> {
  let query = db.selectFrom('outbox.subscriptions').selectAll().orderBy('id');
  if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
  if (page.limit !== undefined) query = query.limit(page.limit);
  return (await query.execute()).map(summarise);
}

/**
 * One subscription by id or name, without secrets; undefined when none matched.
 *
 * @example
 * const erp = await getSubscription(db, 'erp');
 */
export async function getSubscription(db: Kysely<Database>, idOrName: string): Promise<SubscriptionSummary | undefined> {
  const id = await findSubscriptionId(db, idOrName);
  if (id === undefined) return undefined;
  const row = await db.selectFrom('outbox.subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? summarise(row) : undefined;
}

/**
 * Enables or disables a subscription by id or name, recording a reason when disabling; returns
 * it, or undefined when none matched. Disabled subscriptions route no new events; deliveries
 * already routed to them are dead-lettered (never dropped) and can be retried once re-enabled.
 *
 * @example
 * await setSubscriptionEnabled(db, 'erp', true);
 */
export async function setSubscriptionEnabled(
  db: Kysely<Database>,
  idOrName: string,
  enabled: boolean,
  reason?: string,
): Promise<SubscriptionSummary | undefined> {
  const id = await findSubscriptionId(db, idOrName);
  if (id === undefined) return undefined;
  const row = await db
    .updateTable('outbox.subscriptions')
    .set({
      enabled,
      disabled_reason: enabled ? null : (reason ?? 'disabled by an operator'),
      disabled_at: enabled ? null : sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ? summarise(row) : undefined;
}

/**
 * Removes a subscription by id or name; returns it, or undefined when none matched. Events
 * already routed to it fail their next attempt with "subscription was removed".
 *
 * @example
 * await removeSubscription(db, 'orders-to-erp');
 */
export async function removeSubscription(db: Kysely<Database>, idOrName: string): Promise<SubscriptionSummary | undefined> {
  const id = await findSubscriptionId(db, idOrName);
  if (id === undefined) return undefined;
  const row = await db.deleteFrom('outbox.subscriptions').where('id', '=', id).returningAll().executeTakeFirst();
  return row ? summarise(row) : undefined;
}
