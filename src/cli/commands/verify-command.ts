import { loadConfig } from '../../config/load-config.js';
import { createDatabase } from '../../db/create-database.js';
import { verifyEvents } from '../../outbox/verify-events.js';
import { connectOperatorClient } from '../connect-temporal.js';

/** `outbox verify`: every committed event since --since accounted for, or exit non-zero. */
export async function verifyCommand(flags: { since: Date; pendingGrace: number; json?: boolean }): Promise<boolean> {
  const config = loadConfig();
  const database = createDatabase({ connectionString: config.databaseUrl, max: 2 });
  const temporal = await connectOperatorClient(config).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  try {
    const report = await verifyEvents(database.db, temporal.client, { since: flags.since, pendingGraceMs: flags.pendingGrace });
    if (flags.json) {
      console.log(JSON.stringify(report, null, 2));
      return report.problems.length === 0;
    }
    for (const problem of report.problems) {
      console.log(`event ${problem.eventId} (${problem.tenant}/${problem.idempotencyKey}, ${problem.eventType}, ${problem.status}): ${problem.problem}`);
    }
    const c = report.counts;
    const total = Object.values(c).reduce((sum, n) => sum + n, 0);
    console.log(
      `checked ${total} event(s) since ${report.since.toISOString()}: ${c.delivered} delivered, ${c.discarded} discarded, ${c.expired} expired, ` +
        `${c.dispatched} in flight, ${c.dead_lettered} dead-lettered, ${c.pending} pending; ` +
        (report.problems.length ? `${report.problems.length} not accounted for` : 'all accounted for'),
    );
    return report.problems.length === 0;
  } finally {
    await temporal.close();
    await database.close();
  }
}
