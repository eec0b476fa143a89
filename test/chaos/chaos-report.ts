import type { RawRequest } from './chaos-consumer.js';
import type { ChaosProfile } from './chaos-profile.js';

export interface FaultWindow {
  name: string;
  start: number;
  end: number;
}

export interface ChaosReport {
  profile: string;
  committed: number;
  rolledBack: number;
  faultsInjected: number;
  faultsByName: Record<string, number>;
  /** Committed events with no effect at the consumer. */
  lost: number;
  /** Rolled-back events that reached the consumer. */
  rolledBackDelivered: number;
  rawRequests: number;
  /** Requests for an id whose effect already existed (the inbox acknowledged them). */
  rawDuplicates: number;
  /** Each duplicate, by the fault window its earlier request fell in (or "unexplained"). */
  duplicatesByCause: Record<string, number>;
  /** Ids with more than one effect: must be 0 with the inbox. */
  duplicateEffects: number;
  outboxStatuses: Record<string, number>;
  /** From the end of the last fault to every committed event delivered; null if it never drained. */
  recoveryMs: number | null;
  /** Engine processes that crashed by themselves and were restarted by the supervisor. */
  selfRestarts: number;
}

/** Margin around a fault window when explaining a duplicate (timeouts, retries in flight). */
const EXPLAIN_MARGIN_MS = 5_000;

/**
 * Builds the report. A duplicate request is explained by the fault during which the earlier
 * request for the same id was sent: its answer was lost (reset, partition, timeout, a killed
 * worker), so the engine could not know it had been processed.
 */
export function summarise(run: {
  profile: ChaosProfile;
  committed: Set<string>;
  rolledBack: Set<string>;
  effects: Map<string, number>;
  requests: RawRequest[];
  statuses: Record<string, number>;
  faults: FaultWindow[];
  lastFaultEnd: number;
  drainedAt: number | undefined;
  restarts: number;
}): ChaosReport {
  const duplicatesByCause: Record<string, number> = {};
  const firstProcessed = new Map<string, number>();
  const previousRequest = new Map<string, number>();
  let rawDuplicates = 0;
  for (const request of [...run.requests].sort((a, b) => a.at - b.at)) {
    if (request.outcome === 'duplicate') {
      rawDuplicates += 1;
      const earlier = previousRequest.get(request.id) ?? firstProcessed.get(request.id) ?? request.at;
      const cause = run.faults.find((fault) => earlier >= fault.start - EXPLAIN_MARGIN_MS && earlier <= fault.end + EXPLAIN_MARGIN_MS)?.name ?? 'unexplained';
      duplicatesByCause[cause] = (duplicatesByCause[cause] ?? 0) + 1;
    }
    if (request.outcome === 'processed' || request.outcome === 'slow') firstProcessed.set(request.id, firstProcessed.get(request.id) ?? request.at);
    previousRequest.set(request.id, request.at);
  }
  const faultsByName: Record<string, number> = {};
  for (const fault of run.faults) faultsByName[fault.name] = (faultsByName[fault.name] ?? 0) + 1;
  return {
    profile: run.profile.name,
    committed: run.committed.size,
    rolledBack: run.rolledBack.size,
    faultsInjected: run.faults.length,
    faultsByName,
    lost: [...run.committed].filter((key) => !run.effects.has(key)).length,
    rolledBackDelivered: [...run.rolledBack].filter((key) => run.effects.has(key) || run.requests.some((request) => request.id === key)).length,
    rawRequests: run.requests.length,
    rawDuplicates,
    duplicatesByCause,
    duplicateEffects: [...run.effects.values()].filter((count) => count > 1).length,
    outboxStatuses: run.statuses,
    recoveryMs: run.drainedAt === undefined ? null : Math.max(0, run.drainedAt - run.lastFaultEnd),
    selfRestarts: run.restarts,
  };
}
