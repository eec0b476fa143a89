/** How big and how long a chaos run is. */
export interface ChaosProfile {
  name: string;
  events: number;
  writers: number;
  /** Every Nth transaction rolls back (its event must never be delivered). */
  rollbackEvery: number;
  /** The writers spread their events over this long, while the faults strike. */
  writeForMs: number;
  /** How long each outage lasts (kills, partitions; flapping lasts twice as long). */
  pauseMs: number;
  betweenFaultsMs: number;
  /** The target's timeout (the flapping consumer answers slower than this). */
  targetTimeoutMs: number;
  /** The promise under test: recovered within this long after the last fault. */
  drainTimeoutMs: number;
}

export const PROFILES: Record<'short' | 'long', ChaosProfile> = {
  // Runs inside `npm test`: every fault once, a few hundred events, well under five minutes.
  short: {
    name: 'short',
    events: 400,
    writers: 4,
    rollbackEvery: 10,
    writeForMs: 30_000,
    pauseMs: 2_000,
    betweenFaultsMs: 1_000,
    targetTimeoutMs: 3_000,
    drainTimeoutMs: 5 * 60_000,
  },
  // `npm run chaos`: 10 000 events while the schedule cycles for about five minutes.
  long: {
    name: 'long',
    events: 10_000,
    writers: 8,
    rollbackEvery: 10,
    writeForMs: 300_000,
    pauseMs: 4_000,
    betweenFaultsMs: 5_000,
    targetTimeoutMs: 3_000,
    drainTimeoutMs: 5 * 60_000,
  },
};
