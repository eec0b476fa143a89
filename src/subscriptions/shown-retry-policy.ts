import { exactDuration } from '../durations/duration.js';
import type { RetryPolicy } from './subscription-schema.js';

/** A retry policy in the form it is written (durations as `1s`, `10m`): what GET shows and PATCH takes back. */
export interface ShownRetryPolicy {
  schedule: 'exponential' | 'standard-webhooks' | 'custom';
  /** `custom` only: the delays between attempts. */
  delays?: string[];
  jitter: number;
  initialInterval: string;
  backoffCoefficient: number;
  maximumInterval: string;
  /** `exponential` only: a schedule fixes its own number of attempts. */
  maximumAttempts?: number;
  deadline?: string;
  nonRetryableErrorTypes: string[];
}

/**
 * A stored (normalised) retry policy written back the way it is given, so what a client reads
 * it can send again unchanged (`retryPolicySchema` takes it and stores the same policy).
 *
 * @example
 * shownRetryPolicy(stored); // { schedule: 'exponential', initialInterval: '1s', maximumAttempts: 20, … }
 */
export function shownRetryPolicy(policy: RetryPolicy): ShownRetryPolicy {
  return {
    schedule: policy.schedule,
    ...(policy.schedule === 'custom' && policy.retryDelaysMs && { delays: policy.retryDelaysMs.map(exactDuration) }),
    jitter: policy.jitter,
    initialInterval: exactDuration(policy.initialIntervalMs),
    backoffCoefficient: policy.backoffCoefficient,
    maximumInterval: exactDuration(policy.maximumIntervalMs),
    ...(policy.schedule === 'exponential' && { maximumAttempts: policy.maximumAttempts }),
    ...(policy.deadlineMs !== undefined && { deadline: exactDuration(policy.deadlineMs) }),
    nonRetryableErrorTypes: policy.nonRetryableErrorTypes,
  };
}
