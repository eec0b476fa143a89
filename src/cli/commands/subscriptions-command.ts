import type { TargetKindName } from '../../targets/target-registry.js';
import { printTable } from '../print-table.js';
import { withDatabase } from '../with-database.js';
import { rotateWebhookSecret, SecretRotationError } from '../../subscriptions/rotate-webhook-secret.js';
import { flagForField, targetFromFlags, type TargetFlags } from '../target-flags.js';
import { formatDuration } from '../../durations/duration.js';
import {
  addSubscription,
  InvalidSubscriptionError,
  listSubscriptions,
  removeSubscription,
  setSubscriptionEnabled,
  type SubscriptionSummary,
} from '../../subscriptions/subscription-store.js';
import type { FlowControlSettings } from '../../subscriptions/subscription-schema.js';
import { listTenantFlowControl, setTenantFlowControl } from '../../subscriptions/tenant-flow-control.js';

export interface AddSubscriptionFlags extends TargetFlags {
  name?: string;
  tenant: string;
  events: string;
  maxAttempts?: number;
  initialInterval?: number;
  backoff?: number;
  maxInterval?: number;
  deadline?: number;
  nonRetryable?: string[];
  retrySchedule?: 'exponential' | 'standard-webhooks' | 'custom';
  retryDelays?: number[];
  jitter?: number;
  rate?: number;
  burst?: number;
  maxInFlight?: number;
  ordered?: boolean;
  filter?: Record<string, unknown>;
  disabled?: boolean;
  json?: boolean;
}

/** `outbox subscriptions add`: validates every flag, stores the subscription, prints it. */
export async function addSubscriptionCommand(flags: AddSubscriptionFlags): Promise<void> {
  const target = targetFromFlags(flags);
  const retryPolicy = {
    ...(flags.initialInterval !== undefined && { initialInterval: flags.initialInterval }),
    ...(flags.backoff !== undefined && { backoffCoefficient: flags.backoff }),
    ...(flags.maxInterval !== undefined && { maximumInterval: flags.maxInterval }),
    ...(flags.maxAttempts !== undefined && { maximumAttempts: flags.maxAttempts }),
    ...(flags.deadline !== undefined && { deadline: flags.deadline }),
    ...(flags.nonRetryable !== undefined && { nonRetryableErrorTypes: flags.nonRetryable }),
    ...(flags.retrySchedule !== undefined && { schedule: flags.retrySchedule }),
    ...(flags.retryDelays !== undefined && { delays: flags.retryDelays }),
    ...(flags.jitter !== undefined && { jitter: flags.jitter }),
  };
  const flowControl = {
    ...(flags.rate !== undefined && { ratePerSecond: flags.rate }),
    ...(flags.burst !== undefined && { burst: flags.burst }),
    ...(flags.maxInFlight !== undefined && { maxInFlight: flags.maxInFlight }),
  };
  const summary = await withDatabase((db) =>
    addSubscription(db, {
      name: flags.name,
      tenant: flags.tenant,
      events: flags.events,
      target: { kind: target.kind, config: target.config },
      retryPolicy,
      flowControl,
      ordered: flags.ordered === true,
      ...(flags.filter && { filter: flags.filter }),
      enabled: !flags.disabled,
    }).catch((error: unknown) => {
      throw error instanceof InvalidSubscriptionError && error.issues.length > 0 ? withFlagNames(error, target.kind) : error;
    }),
  );
  if (flags.json) {
    console.log(JSON.stringify({ ...summary, ...(target.generatedSecret && { secret: target.generatedSecret }) }, null, 2));
    return;
  }
  console.log(`added subscription ${summary.name} (id ${summary.id}): ${summary.events} of tenant ${summary.tenant} → ${summary.target}`);
  console.log(`retry policy: ${describePolicy(summary)}`);
  if (Object.keys(summary.flowControl).length > 0) console.log(`flow control: ${describeLimits(summary)}`);
  if (summary.filter) console.log(`filter: only events matching ${JSON.stringify(summary.filter)} are delivered; the others are logged as skipped`);
  if (summary.ordered)
    console.log('ordered: events of one tenant + aggregate are delivered one at a time, in commit order (events without aggregate_id are not ordered)');
  if (target.generatedSecret) {
    // Printed once, here only: it is not shown by `list` and never logged.
    console.log(`signing secret (generated; give it to the receiver to verify webhook-signature): ${target.generatedSecret}`);
  }
}

function withFlagNames(error: InvalidSubscriptionError, kind: TargetKindName): InvalidSubscriptionError {
  const text = error.issues.map((issue) => `${flagForField(issue.field, kind)} ${issue.message}`).join('; ');
  return new InvalidSubscriptionError(`invalid subscription: ${text}. Nothing was saved.`, error.issues);
}

function describePolicy(summary: SubscriptionSummary): string {
  const policy = summary.retryPolicy;
  const deadline = policy.deadlineMs === undefined ? '' : `, give up after ${formatDuration(policy.deadlineMs)}`;
  const jitter = policy.jitter > 0 ? `, ±${Math.round(policy.jitter * 100)}% jitter` : '';
  if (policy.schedule !== 'exponential' && policy.retryDelaysMs) {
    return `${policy.schedule}: ${policy.maximumAttempts} attempts, retries after ${policy.retryDelaysMs.map((delay) => formatDuration(delay)).join(', ')}${jitter}${deadline}`;
  }
  return `${policy.maximumAttempts} attempts, first retry after ${formatDuration(policy.initialIntervalMs)}, ×${policy.backoffCoefficient} up to ${formatDuration(policy.maximumIntervalMs)}${jitter}${deadline}`;
}

function describeLimits(summary: SubscriptionSummary): string {
  return describeFlowControl(summary.flowControl);
}

function describeFlowControl(limits: FlowControlSettings): string {
  const { ratePerSecond, burst, maxInFlight } = limits;
  const parts = [
    ...(ratePerSecond !== undefined ? [`at most ${ratePerSecond}/s${burst !== undefined && burst > 1 ? ` (bursts of ${burst})` : ''}`] : []),
    ...(maxInFlight !== undefined ? [`at most ${maxInFlight} in flight`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** `outbox subscriptions list` */
export async function listSubscriptionsCommand(flags: { json?: boolean }): Promise<void> {
  const subscriptions = await withDatabase((db) => listSubscriptions(db));
  if (flags.json) {
    console.log(JSON.stringify(subscriptions, null, 2));
    return;
  }
  if (subscriptions.length === 0) {
    console.log("no subscriptions yet; add one with: outbox subscriptions add --events 'order.*' --webhook https://…");
    return;
  }
  printTable(
    ['ID', 'NAME', 'TENANT', 'EVENTS', 'TARGET', 'RETRY', 'LIMITS', 'ORDERED', 'ENABLED'],
    subscriptions.map((s) => [
      s.id,
      s.name,
      s.tenant,
      s.events,
      `${s.targetKind} ${s.target}`,
      describePolicy(s),
      describeLimits(s),
      s.ordered ? 'per aggregate' : 'no',
      s.enabled ? 'yes' : 'no',
    ]),
  );
  for (const disabled of subscriptions.filter((s) => !s.enabled && s.disabledReason)) {
    console.log(`\n${disabled.name} is disabled: ${disabled.disabledReason}\n  re-enable: outbox subscriptions enable ${disabled.name}`);
  }
}

/** `outbox subscriptions enable|disable <id|name>` */
export async function setEnabledCommand(idOrName: string, enabled: boolean, reason?: string): Promise<boolean> {
  const subscription = await withDatabase((db) => setSubscriptionEnabled(db, idOrName, enabled, reason));
  if (!subscription) {
    console.error(`error: no subscription with id or name "${idOrName}"; see \`outbox subscriptions list\``);
    return false;
  }
  console.log(
    enabled
      ? `enabled subscription ${subscription.name}; dead letters it holds are retried with: outbox dlq retry --all`
      : `disabled subscription ${subscription.name}: ${subscription.disabledReason}`,
  );
  return true;
}

/** `outbox subscriptions remove <id|name>` */
export async function removeSubscriptionCommand(idOrName: string): Promise<boolean> {
  const removed = await withDatabase((db) => removeSubscription(db, idOrName));
  if (!removed) {
    console.error(`error: no subscription with id or name "${idOrName}"; see \`outbox subscriptions list\``);
    return false;
  }
  console.log(`removed subscription ${removed.name} (id ${removed.id})`);
  return true;
}

/** `outbox subscriptions rotate-secret <id-or-name> [--grace 24h] [--json]` */
export async function rotateSecretCommand(idOrName: string, flags: { grace: number; json?: boolean }): Promise<boolean> {
  try {
    const rotated = await withDatabase((db) => rotateWebhookSecret(db, idOrName, { graceMs: flags.grace }));
    if (flags.json) {
      console.log(JSON.stringify({ subscription: rotated.name, secret: rotated.secret, previousSecretsUntil: rotated.previousUntil }, null, 2));
      return true;
    }
    console.log(`new signing secret for ${rotated.name} (shown only now; give it to the receiver): ${rotated.secret}`);
    console.log(
      rotated.previousUntil
        ? `deliveries are signed with the old secret too until ${rotated.previousUntil.toISOString()}`
        : 'the old secret no longer signs deliveries',
    );
    return true;
  } catch (error) {
    if (!(error instanceof SecretRotationError)) throw error;
    console.error(`error: ${error.message}`);
    return false;
  }
}

/** `outbox subscriptions tenant-limits [--tenant T --rate N --max-in-flight M | --clear]` */
export async function tenantLimitsCommand(flags: { tenant?: string; rate?: number; burst?: number; maxInFlight?: number; clear?: boolean }): Promise<void> {
  const limits = {
    ...(flags.rate !== undefined && { ratePerSecond: flags.rate }),
    ...(flags.burst !== undefined && { burst: flags.burst }),
    ...(flags.maxInFlight !== undefined && { maxInFlight: flags.maxInFlight }),
  };
  if (flags.tenant === undefined) {
    if (Object.keys(limits).length > 0 || flags.clear)
      throw new InvalidSubscriptionError('--tenant is required to set or clear a default; without it the defaults are listed');
    const defaults = await withDatabase((db) => listTenantFlowControl(db));
    if (defaults.length === 0) console.log('no tenant defaults: only subscriptions with their own --rate / --max-in-flight are limited');
    for (const entry of defaults) console.log(`${entry.tenant}: ${describeFlowControl(entry.limits)}`);
    return;
  }
  if (!flags.clear && Object.keys(limits).length === 0) throw new InvalidSubscriptionError('give --rate, --max-in-flight (and --burst), or --clear');
  const tenant = flags.tenant;
  const saved = await withDatabase((db) => setTenantFlowControl(db, tenant, flags.clear ? {} : limits));
  console.log(saved ? `tenant ${tenant}: ${describeFlowControl(saved)} for each endpoint without limits of its own` : `tenant ${tenant}: no default limits`);
}
