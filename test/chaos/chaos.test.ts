// `npm test` runs the short chaos profile; `npm run chaos` the long one (CHAOS_PROFILE=long).
// Real faults against real processes: see run-chaos.ts for the schedule.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { PROFILES } from './chaos-profile.js';
import { runChaos } from './run-chaos.js';

const profile = PROFILES[process.env.CHAOS_PROFILE === 'long' ? 'long' : 'short'];

describe(`chaos (${profile.name} profile)`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it(
    'under kills, partitions, connection loss and a flapping target: nothing lost, nothing rolled back sent, no duplicate effect, drained within 5 minutes',
    { timeout: 30 * 60_000 },
    async () => {
      const report = await runChaos(database, profile, { cliPath: inject('temporalCliPath'), log: (line) => console.log(`[chaos] ${line}`) });
      console.log(`[chaos] report\n${JSON.stringify(report, null, 2)}`);
      expect(report.faultsInjected).toBeGreaterThanOrEqual(8);
      expect(report.lost).toBe(0);
      expect(report.rolledBackDelivered).toBe(0);
      expect(report.duplicateEffects).toBe(0);
      // Raw duplicates are allowed (at-least-once) but each must fall in a fault window.
      expect(report.duplicatesByCause.unexplained ?? 0).toBe(0);
      expect(report.outboxStatuses).toEqual({ delivered: report.committed });
      // The drain waits at most drainTimeoutMs (5 minutes, the promise) after the last fault.
      expect(report.recoveryMs).not.toBeNull();
    },
  );
});
