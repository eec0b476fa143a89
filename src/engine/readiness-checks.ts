import type { Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Relay } from '../outbox/relay.js';
import type { ReadinessCheck } from './http-server.js';
import { describeTemporalFailure, type TemporalSettings } from '../temporal/temporal-settings.js';

/**
 * What `/readyz` checks: PostgreSQL and Temporal answer, and the parts this process runs are
 * alive (the relay's loop ran recently, the worker is running).
 *
 * @example
 * const checks = readinessChecks({ db, connection, relay: { relay, pollIntervalMs: 1000 }, worker });
 */
export function readinessChecks(parts: {
  db: Kysely<Database>;
  connection: Connection;
  temporal: TemporalSettings;
  relay: { relay: Relay; pollIntervalMs: number } | undefined;
  worker: Worker | undefined;
}): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    { name: 'postgres', probe: async () => void (await sql`SELECT 1`.execute(parts.db)) },
    {
      name: 'temporal',
      // Not ready while Temporal refuses or cannot be reached; the answer says why, naming the setting.
      probe: async () => {
        try {
          await parts.connection.withDeadline(Date.now() + 5_000, () => parts.connection.workflowService.getSystemInfo({}));
        } catch (error) {
          throw new Error(describeTemporalFailure(error, parts.temporal));
        }
      },
    },
  ];
  if (parts.relay) {
    const { relay, pollIntervalMs } = parts.relay;
    const staleAfter = Math.max(3 * pollIntervalMs, 15_000);
    checks.push({
      name: 'relay',
      probe: () => {
        const age = Date.now() - relay.stats.lastLoopAt;
        if (age > staleAfter) throw new Error(`relay loop last ran ${Math.round(age / 1000)}s ago`);
      },
    });
  }
  const { worker } = parts;
  if (worker) {
    checks.push({
      name: 'worker',
      probe: () => {
        if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
      },
    });
  }
  return checks;
}
