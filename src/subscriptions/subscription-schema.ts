import { z } from 'zod';
import { durationMs } from '../config/duration.js';
import { TARGET_KIND_NAMES, TARGET_KINDS, type TargetKindName } from '../activities/target-kinds.js';
import { eventPatternSchema, tenantIdSchema } from '../outbox/event-formats.js';

/** Defaults for a subscription's Temporal retry policy (documented in the README). */
export const DEFAULT_RETRY_POLICY = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 10 * 60_000,
  maximumAttempts: 20,
  nonRetryableErrorTypes: [] as string[],
};

/**
 * A subscription's retry policy; durations accept `500ms`, `5s`, `10m`. Stored normalised to
 * milliseconds in `outbox.subscriptions.retry_policy`.
 */
export const retryPolicySchema = z
  .object({
    initialInterval: durationMs.refine((value) => value >= 1, { error: 'must be at least 1ms' }).optional(),
    backoffCoefficient: z.number().min(1, { error: 'must be at least 1' }).max(100).optional(),
    maximumInterval: durationMs.refine((value) => value >= 1, { error: 'must be at least 1ms' }).optional(),
    maximumAttempts: z.number().int().min(1, { error: 'must be at least 1' }).max(10_000).optional(),
    /** Overall time for all attempts of one delivery pass, e.g. `24h`. */
    deadline: durationMs.refine((value) => value >= 1000, { error: 'must be at least 1s' }).optional(),
    nonRetryableErrorTypes: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .transform((policy) => ({
    initialIntervalMs: policy.initialInterval ?? DEFAULT_RETRY_POLICY.initialIntervalMs,
    backoffCoefficient: policy.backoffCoefficient ?? DEFAULT_RETRY_POLICY.backoffCoefficient,
    maximumIntervalMs: policy.maximumInterval ?? Math.max(DEFAULT_RETRY_POLICY.maximumIntervalMs, policy.initialInterval ?? 0),
    maximumAttempts: policy.maximumAttempts ?? DEFAULT_RETRY_POLICY.maximumAttempts,
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
  initialIntervalMs: z.number().default(DEFAULT_RETRY_POLICY.initialIntervalMs),
  backoffCoefficient: z.number().default(DEFAULT_RETRY_POLICY.backoffCoefficient),
  maximumIntervalMs: z.number().default(DEFAULT_RETRY_POLICY.maximumIntervalMs),
  maximumAttempts: z.number().default(DEFAULT_RETRY_POLICY.maximumAttempts),
  deadlineMs: z.number().optional(),
  nonRetryableErrorTypes: z.array(z.string()).default([]),
});

/**
 * A subscription's target: one of the kinds in TARGET_KINDS with that kind's settings, checked
 * by the kind's own schema (secrets may be `env:NAME`).
 */
export const targetSchema = z
  .object({ kind: z.enum(TARGET_KIND_NAMES as [TargetKindName, ...TargetKindName[]]), config: z.unknown() })
  .transform((target, ctx) => {
    const parsed = TARGET_KINDS[target.kind].configSchema.safeParse(target.config ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['config', ...issue.path] });
      return z.NEVER;
    }
    return { kind: target.kind, config: parsed.data };
  });

/** Input for adding a subscription (what `outbox subscriptions add` validates). */
export const newSubscriptionSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, {
      error: 'must be 1 to 128 letters, digits, "_", ".", ":" or "-", starting with a letter or digit',
    }),
  tenant: z.union([z.literal('*'), tenantIdSchema]).default('*'),
  events: eventPatternSchema,
  target: targetSchema,
  retryPolicy: retryPolicySchema.prefault({}),
  enabled: z.boolean().default(true),
});

export type NewSubscription = z.input<typeof newSubscriptionSchema>;
