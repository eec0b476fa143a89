import { loadConfig } from '../../config/load-config.js';
import { formatDuration } from '../../config/duration.js';
import { createDatabase } from '../../db/create-database.js';
import { readOutboxStatus } from '../../outbox/read-status.js';

/** `outbox status`: backlog, lag and counts by status. */
export async function statusCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig();
  const database = createDatabase({ connectionString: config.databaseUrl, max: 3 });
  try {
    const status = await readOutboxStatus(database.db);
    if (options.json) {
      console.log(JSON.stringify(status, null, 2));
      return;
    }
    const age = status.oldestPendingAgeSeconds;
    const rows: [string, string][] = [
      ['pending', String(status.pending)],
      ['oldest pending', age === null ? '-' : formatDuration(age * 1000)],
      ['dispatched (in flight)', String(status.byStatus.dispatched)],
      ['delivered', String(status.byStatus.delivered)],
      ['dead-lettered', String(status.byStatus.dead_lettered)],
      ['discarded', String(status.byStatus.discarded)],
      ['expired', String(status.byStatus.expired)],
      ['compensated (sagas)', String(status.byStatus.compensated)],
      ['open dead letters', String(status.openDeadLetters)],
      ['oldest dead letter', status.oldestDeadLetterAgeSeconds === null ? '-' : formatDuration(status.oldestDeadLetterAgeSeconds * 1000)],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
    if (status.breakers.length > 0) {
      console.log('\ncircuit breakers');
      const now = Date.now();
      for (const breaker of status.breakers) {
        const since = breaker.failingSince ? `, failing for ${formatDuration(now - breaker.failingSince.getTime())}` : '';
        const probe = breaker.state === 'open' && breaker.nextProbeAt ? `, next probe in ${formatDuration(Math.max(0, breaker.nextProbeAt.getTime() - now))}` : '';
        console.log(`  ${breaker.state.padEnd(9)} ${breaker.endpoint}: ${breaker.consecutiveFailures} consecutive failure(s)${since}${probe}`);
      }
    }
    if (status.disabledSubscriptions.length > 0) {
      console.log('\ndisabled subscriptions');
      for (const disabled of status.disabledSubscriptions) console.log(`  ${disabled.name}: ${disabled.reason ?? 'no reason recorded'}`);
    }
  } finally {
    await database.close();
  }
}
