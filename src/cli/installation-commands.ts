import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { readInstallation, renameInstallation, taskQueueOf } from '../outbox/installation.js';
import { workflowIdPrefixFor } from '../workflows/definitions.js';
import { withDatabase } from './with-database.js';

/**
 * `outbox installation` (show this database's installation id, its workflow id prefix and task
 * queue) and `outbox installation rename [--id ID]` (a restored copy's own identity).
 *
 * @example
 * registerInstallationCommands(new Command('outbox'));
 */
export function registerInstallationCommands(program: Command): void {
  const installation = program
    .command('installation')
    .description("this outbox's identity in Temporal: part of every workflow id, the default task queue and message ids")
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const config = loadConfig();
      const found = await withDatabase((db) => readInstallation(db));
      const shown = {
        id: found.id,
        workflowIdPrefix: workflowIdPrefixFor(found.id),
        taskQueue: taskQueueOf(config, found.id),
        legacyWorkflows: found.legacyWorkflows,
      };
      if (flags.json) return console.log(JSON.stringify(shown));
      console.log(`installation ${shown.id}`);
      console.log(`  workflow ids  ${shown.workflowIdPrefix}<tenant>:<idempotency key>`);
      console.log(`  task queue    ${shown.taskQueue}${config.taskQueue ? ' (TEMPORAL_TASK_QUEUE)' : ''}`);
      if (shown.legacyWorkflows) console.log('  also serves   workflows started before installation ids (task queue outbox-delivery)');
    });
  installation
    .command('rename')
    .description('give this database a new installation id (do it on a restored copy, so it is not taken for the original)')
    .option('--id <id>', 'the new id (1-32 lowercase letters, digits, "-"); generated when omitted')
    .action(async (flags: { id?: string }) => {
      const { previous, id } = await withDatabase((db) => renameInstallation(db, flags.id));
      console.log(`installation ${previous} is now ${id}; restart the engine's processes. Workflows started under ${previous} are left to it.`);
    });
}
