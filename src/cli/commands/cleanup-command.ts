import { formatDuration } from '../../durations/duration.js';
import { cleanUp, countCleanable } from '../../retention/clean-up.js';
import { withDatabase } from '../with-database.js';

/** `outbox cleanup --older-than 7d`: deletes finished events and old delivery log rows in batches. */
export async function cleanupCommand(flags: { olderThan: number; batchSize: number; dryRun?: boolean; json?: boolean }): Promise<void> {
  const age = formatDuration(flags.olderThan);
  await withDatabase(async (db) => {
    if (flags.dryRun) {
      const counts = await countCleanable(db, flags.olderThan);
      if (flags.json) console.log(JSON.stringify({ dryRun: true, ...counts }));
      else
        console.log(
          `would delete ${counts.events} finished event(s) and ${counts.deliveries} delivery log row(s) older than ${age} (dry run: nothing deleted)`,
        );
      return;
    }
    let lastReport = 0;
    const result = await cleanUp(db, {
      olderThanMs: flags.olderThan,
      batchSize: flags.batchSize,
      onProgress: (progress) => {
        // A line every couple of seconds on long runs, never one per batch.
        if (flags.json || Date.now() - lastReport < 2_000) return;
        lastReport = Date.now();
        process.stderr.write(`  … ${progress.events} event(s), ${progress.deliveries} delivery log row(s) deleted so far\n`);
      },
    });
    if (flags.json) console.log(JSON.stringify(result));
    else
      console.log(`deleted ${result.events} finished event(s) and ${result.deliveries} delivery log row(s) older than ${age} in ${result.batches} batch(es)`);
  });
}
