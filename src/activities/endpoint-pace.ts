/**
 * How fast each subscription's endpoint has been answering, as this worker saw it, and how many
 * first-pass attempts to it are in flight. The first pass sends inside the workflow task that
 * routes the event, which holds one of the worker's workflow-task slots until the send ends; an
 * endpoint that answers slowly (or not at all) would hold those slots for everybody. So an
 * endpoint whose recent attempts were slow, or that already has `maxInFlight` first-pass sends
 * under way, gets its first attempt as a regular activity instead: same policy, same log, but
 * it waits in an activity slot and holds no workflow task. An endpoint known to answer within
 * 100 ms may have more first-pass sends under way (`maxInFlightWhenFast`).
 *
 * Per worker process, in memory: nothing to store, nothing to share. Every attempt (regular
 * ones too) updates the pace, so an endpoint that speeds up again is back on the first pass
 * after a few quick answers.
 *
 * @example
 * const pace = new EndpointPace();
 * const deferral = pace.deferral('7'); // undefined: send in the first pass
 * const end = pace.begin('7');
 * // ... send, then pace.record('7', 120) ...
 * end();
 */
export class EndpointPace {
  private readonly paces = new Map<string, { averageMs: number; inFlight: number; sending: number }>();

  constructor(readonly settings: PaceSettings = DEFAULT_PACE_SETTINGS) {}

  /** Why this subscription's first attempt should not go in the first pass, or undefined. */
  deferral(subscriptionId: string): 'slow' | 'busy' | undefined {
    const pace = this.paces.get(subscriptionId);
    if (!pace) return undefined;
    if (pace.averageMs >= this.settings.slowAfterMs) return 'slow';
    // An endpoint known to answer fast may have more sends under way (a backlog draining).
    const limit = pace.averageMs > 0 && pace.averageMs < this.settings.fastBelowMs ? this.settings.maxInFlightWhenFast : this.settings.maxInFlight;
    if (pace.inFlight >= limit) return 'busy';
    return undefined;
  }

  /** Counts a first-pass send as in flight; call the result when it ends. */
  begin(subscriptionId: string): () => void {
    const pace = this.paceOf(subscriptionId);
    pace.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      pace.inFlight -= 1;
    };
  }

  /** Counts any send to this endpoint (first pass or regular activity) as under way; call the result when it ends. */
  beginSend(subscriptionId: string): () => void {
    const pace = this.paceOf(subscriptionId);
    pace.sending += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      pace.sending -= 1;
    };
  }

  /** Records how long an attempt took (any attempt: a regular activity's too). */
  record(subscriptionId: string, durationMs: number): void {
    const pace = this.paceOf(subscriptionId);
    // An exponentially weighted average: recent answers count most, one outlier does not decide.
    pace.averageMs = pace.averageMs === 0 ? durationMs : pace.averageMs * (1 - WEIGHT) + durationMs * WEIGHT;
  }

  /**
   * Per subscription seen: first-pass sends in flight (`inFlight`), all sends under way
   * (`sending`, regular activities too), the recent average answer time, and whether its first
   * attempts are held back from the first pass now and why.
   */
  snapshot(): PaceSnapshot[] {
    return [...this.paces].map(([subscriptionId, pace]) => {
      const deferred = this.deferral(subscriptionId);
      return { subscriptionId, inFlight: pace.inFlight, sending: pace.sending, averageMs: Math.round(pace.averageMs), ...(deferred && { deferred }) };
    });
  }

  private paceOf(subscriptionId: string) {
    let pace = this.paces.get(subscriptionId);
    if (!pace) {
      pace = { averageMs: 0, inFlight: 0, sending: 0 };
      this.paces.set(subscriptionId, pace);
    }
    return pace;
  }
}

/** One subscription's line of EndpointPace.snapshot(). */
export interface PaceSnapshot {
  subscriptionId: string;
  inFlight: number;
  sending: number;
  averageMs: number;
  deferred?: 'slow' | 'busy';
}

/** Weight of the newest attempt in the average. */
const WEIGHT = 0.3;

export interface PaceSettings {
  /** An endpoint whose recent attempts average this long or more leaves the first pass. */
  slowAfterMs: number;
  /** First-pass sends to one endpoint in flight at once, at most. */
  maxInFlight: number;
  /** An endpoint whose recent attempts average less than this is fast... */
  fastBelowMs: number;
  /** ...and may have this many first-pass sends in flight. */
  maxInFlightWhenFast: number;
}

/**
 * 500 ms: a healthy webhook answers in tens of milliseconds (the bench's sink: 1–3 ms), and
 * the first pass is meant for those. 8 in flight for an endpoint not known to be fast (new, or
 * between 100 and 500 ms): a new endpoint that turns out slow holds at most 8 of the worker's
 * 40 workflow-task slots until its first answers come. 32 for one known to answer within 100 ms:
 * with 8, a drain to one fast endpoint sent a quarter of its first attempts the regular way
 * (bench: 4.1 instead of 3.1 SQL statements per delivery).
 */
export const DEFAULT_PACE_SETTINGS: PaceSettings = { slowAfterMs: 500, maxInFlight: 8, fastBelowMs: 100, maxInFlightWhenFast: 32 };
