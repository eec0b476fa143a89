/**
 * 100 ms between two batches of a backlogged tenant while other tenants send. Measured with the
 * noisy-neighbour bench (README *Flow control*): a tenant's window that frees at once (its slow
 * deliveries answering together, its oldest events leaving the window) otherwise refilled in
 * batches a few milliseconds apart, and every other tenant's next event queued behind that
 * burst in the workers; and a tenant flooding an endpoint that answers at once took the whole
 * machine (B's p99 4.4× its lag alone, 1.9–2.6× with the pace; A's rate 115 → 49 events/s while
 * B sent).
 */
export const DEFAULT_TENANT_PACE_MS = 100;

/**
 * The relay's pace for backlogged tenants: while more than one tenant sends, a tenant that took
 * its whole share of a batch (it has more waiting) gets its next batch `paceMs` later, not at
 * once. Its events then enter Temporal at most a share every `paceMs` (with the default window
 * and share: its whole window twice a second), in small steps with other tenants' events
 * between them. A tenant that took less than its share (a trickle) is never paced, so its
 * next event goes at once; a tenant alone is never paced, so a single tenant drains at full
 * speed. Kept in memory: each relay paces the batches it claims.
 *
 * @example
 * const pace = new TenantPace(100);
 * const paced = pace.pacedNow(Date.now(), sendingTenants); // leave these out of the claim
 * pace.claimed(claimStartedAt, afterClaim(events, share).fullTenants);
 * const wakeIn = pace.nextInMs(Date.now(), sendingTenants); // look again then, not at the poll
 */
export class TenantPace {
  /** When each paced tenant's last full batch was claimed. */
  private readonly lastFull = new Map<string, number>();

  constructor(private readonly paceMs: number) {}

  /** The tenants to leave out of a claim starting `now`: those whose pace has not run out. */
  pacedNow(now: number, sendingTenants: number): string[] {
    const paced: string[] = [];
    for (const [tenant, at] of this.lastFull) {
      if (now - at >= this.paceMs) this.lastFull.delete(tenant);
      else if (sendingTenants > 1) paced.push(tenant);
    }
    return paced;
  }

  /** Records a claim that started at `startedAt`: the tenants that took their whole share in it (afterClaim) are paced. */
  claimed(startedAt: number, fullTenants: readonly string[]): void {
    if (this.paceMs <= 0) return;
    for (const tenant of fullTenants) this.lastFull.set(tenant, startedAt);
  }

  /** Milliseconds until the first paced tenant may be claimed again; undefined when none is paced. */
  nextInMs(now: number, sendingTenants: number): number | undefined {
    if (this.lastFull.size === 0 || sendingTenants <= 1) return undefined;
    return Math.max(0, Math.min(...this.lastFull.values()) + this.paceMs - now);
  }
}
