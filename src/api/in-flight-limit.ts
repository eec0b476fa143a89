import { HttpProblem } from './http-errors.js';

/**
 * At most `perKey` requests of one kind under way per key (a tenant, or "operator"), and
 * `total` overall, in this process: slow, expensive requests (test sends, replays) cannot pile
 * up from one tenant and starve the others. Over the limit answers 429 with Retry-After.
 *
 * @example
 * const replays = new InFlightLimit('replays', { perKey: 2, total: 8 });
 * const release = replays.acquire(principal.tenant);
 * try { await replay(); } finally { release(); }
 */
export class InFlightLimit {
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly what: string,
    private readonly limits: { perKey: number; total: number },
  ) {}

  /** Takes a slot for `key`, or throws a 429 problem; call the returned function when done. */
  acquire(key: string): () => void {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limits.perKey || this.total >= this.limits.total) {
      const whose =
        count >= this.limits.perKey
          ? `this key's tenant has ${count} under way (at most ${this.limits.perKey})`
          : `${this.total} are under way (at most ${this.limits.total})`;
      throw new HttpProblem(429, 'Too many requests', `Too many ${this.what} at once: ${whose}. Wait for one to finish and send it again.`, [], {
        'retry-after': '5',
      });
    }
    this.counts.set(key, count + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }
}
