import { z } from 'zod';
import { durationMs } from '../durations/duration.js';
import { TARGET_KIND_NAMES, TARGET_KINDS, type TargetKindName } from '../targets/target-registry.js';
import type { TargetKind } from '../targets/target-kind.js';
import { eventPatternSchema, tenantIdSchema } from '../events/event-formats.js';
import { contentFilterSchema } from './content-filter.js';

/** Defaults for a subscription's Temporal retry policy (documented in the README). */
export const DEFAULT_RETRY_POLICY = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 10 * 60_000,
  maximumAttempts: 20,
  nonRetryableErrorTypes: [] as string[],
};

/** Delays between attempts of the Standard Webhooks schedule (the first attempt is immediate). */
export const STANDARD_WEBHOOKS_RETRY_DELAYS_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

/** Default spread of every retry delay: ±20 %. */
export const DEFAULT_JITTER = 0.2;

/** How retries are spaced: the exponential policy, the Standard Webhooks schedule, or your own list. */
export type RetrySchedule = 'exponential' | 'standard-webhooks' | 'custom';

/**
 * A subscription's retry policy; durations accept `500ms`, `5s`, `10m`. Stored normalised to
 * milliseconds in `outbox.subscriptions.retry_policy`.
 */
export const retryPolicySchema = z
  .object({
    /** `exponential` (default): initialInterval × backoff^n up to maximumInterval. */
    schedule: z.enum(['exponential', 'standard-webhooks', 'custom'], { error: 'must be exponential, standard-webhooks or custom' }).optional(),
    /** `custom`: the delays between attempts, e.g. ['10s', '1m', '10m']; attempts = delays + 1. */
    delays: z.array(durationMs).min(1, { error: 'give at least one delay' }).max(100).optional(),
    /** Spread of each retry delay, 0 (none) to 1 (±100 %); default 0.2. */
    jitter: z.number().min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' }).optional(),
    initialInterval: durationMs.refine((value) => value >= 1, { error: 'must be at least 1ms' }).optional(),
    backoffCoefficient: z.number().min(1, { error: 'must be at least 1' }).max(100).optional(),
    maximumInterval: durationMs.refine((value) => value >= 1, { error: 'must be at least 1ms' }).optional(),
    maximumAttempts: z.number().int().min(1, { error: 'must be at least 1' }).max(10_000).optional(),
    /** Overall time for all attempts of one delivery pass, e.g. `24h`. */
    deadline: durationMs.refine((value) => value >= 1000, { error: 'must be at least 1s' }).optional(),
    nonRetryableErrorTypes: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((policy) => (policy.schedule === 'custom') === (policy.delays !== undefined), {
    error: "delays go with schedule 'custom', and schedule 'custom' needs delays",
    path: ['delays'],
  })
  .refine((policy) => policy.schedule === undefined || policy.schedule === 'exponential' || policy.maximumAttempts === undefined, {
    error: 'a schedule fixes the number of attempts (its delays + 1); drop maximumAttempts',
    path: ['maximumAttempts'],
  })
  .transform((policy) => ({
    schedule: policy.schedule ?? 'exponential',
    ...(policy.schedule === 'standard-webhooks' && { retryDelaysMs: STANDARD_WEBHOOKS_RETRY_DELAYS_MS }),
    ...(policy.schedule === 'custom' && policy.delays && { retryDelaysMs: policy.delays }),
    jitter: policy.jitter ?? DEFAULT_JITTER,
    initialIntervalMs: policy.initialInterval ?? DEFAULT_RETRY_POLICY.initialIntervalMs,
    backoffCoefficient: policy.backoffCoefficient ?? DEFAULT_RETRY_POLICY.backoffCoefficient,
    maximumIntervalMs: policy.maximumInterval ?? Math.max(DEFAULT_RETRY_POLICY.maximumIntervalMs, policy.initialInterval ?? 0),
    maximumAttempts:
      policy.schedule === 'standard-webhooks'
        ? STANDARD_WEBHOOKS_RETRY_DELAYS_MS.length + 1
        : policy.schedule === 'custom' && policy.delays
          ? policy.delays.length + 1
          : (policy.maximumAttempts ?? DEFAULT_RETRY_POLICY.maximumAttempts),
    ...(policy.deadline !== undefined && { deadlineMs: policy.deadline }),
    nonRetryableErrorTypes: policy.nonRetryableErrorTypes ?? [],
  }))
  .refine((policy) => policy.maximumIntervalMs >= policy.initialIntervalMs, {
    error: 'maximumInterval must not be shorter than initialInterval',
    path: ['maximumInterval'],
  });

export type RetryPolicy = z.output<typeof retryPolicySchema>;

/** Stored retry policies are already normalised; this reads one back, tolerating older rows. */
export const storedRetryPolicySchema = z.object({
  schedule: z.enum(['exponential', 'standard-webhooks', 'custom']).default('exponential'),
  retryDelaysMs: z.array(z.number()).optional(),
  jitter: z.number().default(DEFAULT_JITTER),
  initialIntervalMs: z.number().default(DEFAULT_RETRY_POLICY.initialIntervalMs),
  backoffCoefficient: z.number().default(DEFAULT_RETRY_POLICY.backoffCoefficient),
  maximumIntervalMs: z.number().default(DEFAULT_RETRY_POLICY.maximumIntervalMs),
  maximumAttempts: z.number().default(DEFAULT_RETRY_POLICY.maximumAttempts),
  deadlineMs: z.number().optional(),
  nonRetryableErrorTypes: z.array(z.string()).default([]),
});

/** An issue's own words; a bad record key (a reserved header name) says why, not just "Invalid key in record". */
function innerMessage(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_key' && issue.issues[0] ? issue.issues[0].message : issue.message;
}

/**
 * A subscription's target: one of the kinds in TARGET_KINDS with that kind's settings, checked
 * by the kind's own schema (secrets may be `env:NAME`).
 */
export const targetSchema = z
  .object({ kind: z.enum(TARGET_KIND_NAMES as [TargetKindName, ...TargetKindName[]]), config: z.unknown() })
  .transform((target, ctx) => {
    const parsed = TARGET_KINDS[target.kind].configSchema.safeParse(target.config ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: innerMessage(issue), path: ['config', ...issue.path] });
      return z.NEVER;
    }
    const kind = TARGET_KINDS[target.kind] as TargetKind;
    const issues = kind.settingsIssues?.(parsed.data) ?? [];
    for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['config', ...issue.path] });
    return issues.length > 0 ? z.NEVER : { kind: target.kind, config: parsed.data };
  });

/**
 * Per-endpoint flow control: at most `ratePerSecond` deliveries a second (`burst` may go at once
 * after a quiet spell) and at most `maxInFlight` at the same time, across all workers.
 */
export const flowControlSchema = z
  .object({
    ratePerSecond: z.number().positive({ error: 'must be above 0' }).max(100_000).optional(),
    burst: z.number().int().min(1, { error: 'must be at least 1' }).max(10_000).optional(),
    maxInFlight: z.number().int().min(1, { error: 'must be at least 1' }).max(10_000).optional(),
  })
  .strict()
  .refine((limits) => limits.burst === undefined || limits.ratePerSecond !== undefined, { error: 'burst needs a rate', path: ['burst'] });

export type FlowControlSettings = z.output<typeof flowControlSchema>;

/** Input for adding a subscription (what `outbox subscriptions add` validates). */
export const newSubscriptionSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, {
      error: 'must be 1 to 128 letters, digits, "_", ".", ":" or "-", starting with a letter or digit',
    })
    .refine((name) => !/^\d+$/.test(name), { error: 'must not be all digits (it would read as an id); add a letter, e.g. "sub-42"' }),
  tenant: z.union([z.literal('*'), tenantIdSchema]).default('*'),
  events: eventPatternSchema,
  target: targetSchema,
  retryPolicy: retryPolicySchema.prefault({}),
  flowControl: flowControlSchema.default({}),
  /** Deliver each tenant + aggregate's events one at a time, in commit order. */
  ordered: z.boolean({ error: 'must be true or false' }).default(false),
  enabled: z.boolean().default(true),
  /** Only events matching this content filter are delivered (see content-filter.ts). */
  filter: contentFilterSchema.optional(),
});

export type NewSubscription = z.input<typeof newSubscriptionSchema>;
