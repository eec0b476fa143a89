// When the next attempt comes. Temporal's retry policy has no jitter and no fixed schedules, so
// the deliver activity sets `nextRetryDelay` on every retryable failure from these rules.

/** What the workflow tells the deliver activity about its pass's retry policy. */
export interface RetryTiming {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** Absent in workflows started before schedules existed: exponential. */
  schedule?: 'exponential' | 'standard-webhooks' | 'custom';
  /** Delays between attempts (standard-webhooks, custom): after attempt n comes delay n-1. */
  retryDelaysMs?: number[];
  /** Spread of each delay, 0..1 (0.2: ±20 %). */
  jitter?: number;
}

/** The schedule's delay after attempt `attempt` (1-based), before jitter. */
export function scheduledDelayMs(timing: RetryTiming, attempt: number): number {
  if (timing.schedule !== undefined && timing.schedule !== 'exponential' && timing.retryDelaysMs?.length) {
    const delays = timing.retryDelaysMs;
    return delays[Math.min(attempt - 1, delays.length - 1)]!;
  }
  return Math.min(timing.initialIntervalMs * timing.backoffCoefficient ** (attempt - 1), timing.maximumIntervalMs);
}

/**
 * The delay after attempt `attempt` with jitter: uniformly within ±jitter of the schedule, so a
 * thousand deliveries that failed together do not come back together.
 *
 * @example
 * retryDelayMs({ initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 600_000, jitter: 0.2 }, 3); // 3200..4800
 */
export function retryDelayMs(timing: RetryTiming, attempt: number, random: () => number = Math.random): number {
  const base = scheduledDelayMs(timing, attempt);
  const jitter = Math.min(Math.max(timing.jitter ?? 0, 0), 1);
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}

/**
 * The retry timing of a route's policy, as the deliver activity is told it. Plain data, no
 * imports: the workflow uses it too.
 *
 * @example
 * retryTimingOf(route.retryPolicy); // { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 600000 }
 */
export function retryTimingOf(policy: RetryTiming): RetryTiming {
  return {
    initialIntervalMs: policy.initialIntervalMs,
    backoffCoefficient: policy.backoffCoefficient,
    maximumIntervalMs: policy.maximumIntervalMs,
    ...(policy.schedule !== undefined && { schedule: policy.schedule }),
    ...(policy.retryDelaysMs !== undefined && { retryDelaysMs: policy.retryDelaysMs }),
    ...(policy.jitter !== undefined && { jitter: policy.jitter }),
  };
}
