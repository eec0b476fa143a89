import { Option, type Command } from 'commander';
import { duration, positiveInteger } from './option-parsers.js';

// Imported when run, so other commands do not pay for loading these.
const statusCommand = async (flags: { json?: boolean; watch?: boolean; interval?: number; count?: number }) =>
  (await import('./commands/status-command.js')).statusCommand(flags);

/**
 * `outbox status|cleanup|realtime token`: what the engine is doing, retention, and realtime stream tokens.
 *
 * @example
 * registerOperationsCommands(new Command('outbox'));
 */
export function registerOperationsCommands(program: Command): void {
  program
    .command('realtime')
    .description('the realtime (server-sent events) stream')
    .command('token')
    .description('print a stream token for a tenant (signed with OUTBOX_REALTIME_SECRET)')
    .requiredOption('--tenant <id>', 'the tenant the browser may read')
    .addOption(new Option('--ttl <duration>', 'how long the token is valid').argParser(duration).default(60 * 60_000, '1h'))
    .action(async (flags: { tenant: string; ttl: number }) => (await import('./commands/realtime-command.js')).realtimeTokenCommand(flags));

  program
    .command('cleanup')
    .description('delete finished events (delivered, discarded, expired, compensated) and delivery log rows older than a duration, in small batches')
    .addOption(new Option('--older-than <duration>', 'age of rows to delete, e.g. 7d').argParser(duration).makeOptionMandatory())
    .addOption(new Option('--batch-size <n>', 'rows per batch (each its own short transaction)').argParser(positiveInteger).default(1000))
    .option('--dry-run', 'count what would be deleted; delete nothing')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { olderThan: number; batchSize: number; dryRun?: boolean; json?: boolean }) =>
      (await import('./commands/cleanup-command.js')).cleanupCommand(flags),
    );

  program
    .command('status')
    .description('backlog, lag and events by status')
    .option('--json', 'print as JSON')
    .option('--watch', 'a live view: backlog, lag, rates, dead letters, breakers (Ctrl-C to stop)')
    .addOption(new Option('--interval <duration>', 'with --watch: time between refreshes').argParser(duration).default(2_000, '2s'))
    .addOption(new Option('--count <n>', 'with --watch: stop after this many refreshes').argParser(positiveInteger))
    .action((flags: { json?: boolean; watch?: boolean; interval: number; count?: number }) => statusCommand(flags));
}
