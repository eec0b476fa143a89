import type { RetryPolicy } from './subscription-schema.js';

// What a tenant's own keys may set on their subscriptions. An operator may set anything the
// schema allows; a tenant shares the workers with every other tenant, so its settings are kept
// to what a well-behaved endpoint needs. One place: the API applies them to tenant keys and
// portal links, on create and on change.

/** The bounds, as documented (README, Subscriptions). */
export const TENANT_BOUNDS = {
  /** Longest attempt timeout. */
  maxTimeoutMs: 30_000,
  /** Most attempts in one pass. */
  maxAttempts: 50,
  /** Shortest wait between attempts (first interval, and every delay of a custom schedule). */
  minIntervalMs: 1_000,
  /** Longest deadline for one pass. */
  maxDeadlineMs: 7 * 24 * 3_600_000,
} as const;

/**
 * The fields of a tenant's subscription settings that go beyond TENANT_BOUNDS, each with what
 * is allowed; empty when all are within.
 *
 * @example
 * tenantBoundIssues({ timeoutMs: 600_000 }, undefined); // [{ field: 'target.config.timeoutMs', message: 'at most 30000 ms for a tenant key' }]
 */
export function tenantBoundIssues(config: { timeoutMs?: unknown } | undefined, policy: RetryPolicy | undefined): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  const timeout = config?.timeoutMs;
  if (typeof timeout === 'number' && timeout > TENANT_BOUNDS.maxTimeoutMs) {
    issues.push({ field: 'target.config.timeoutMs', message: `at most ${TENANT_BOUNDS.maxTimeoutMs} ms for a tenant key` });
  }
  if (!policy) return issues;
  if (policy.maximumAttempts > TENANT_BOUNDS.maxAttempts) {
    issues.push({ field: 'retryPolicy.maximumAttempts', message: `at most ${TENANT_BOUNDS.maxAttempts} for a tenant key` });
  }
  if (policy.initialIntervalMs < TENANT_BOUNDS.minIntervalMs) {
    issues.push({ field: 'retryPolicy.initialInterval', message: `at least ${TENANT_BOUNDS.minIntervalMs / 1000}s for a tenant key` });
  }
  if ((policy.retryDelaysMs ?? []).some((delay) => delay < TENANT_BOUNDS.minIntervalMs)) {
    issues.push({ field: 'retryPolicy.delays', message: `each at least ${TENANT_BOUNDS.minIntervalMs / 1000}s for a tenant key` });
  }
  if (policy.deadlineMs !== undefined && policy.deadlineMs > TENANT_BOUNDS.maxDeadlineMs) {
    issues.push({ field: 'retryPolicy.deadline', message: `at most ${TENANT_BOUNDS.maxDeadlineMs / 3_600_000}h for a tenant key` });
  }
  return issues;
}
