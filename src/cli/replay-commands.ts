import { Option, type Command } from 'commander';
import type { ReplayFlags } from './commands/replay-command.js';
import { exitWith } from './exit-with.js';
import { collect, duration, isoDate, pointInTime } from './option-parsers.js';

// Imported when run, so other commands do not pay for loading these.
const replayCommand = async (flags: ReplayFlags) => (await import('./commands/replay-command.js')).replayCommand(flags);
const verifyCommand = async (flags: { since: Date; pendingGrace: number; json?: boolean }) =>
  (await import('./commands/verify-command.js')).verifyCommand(flags);

/**
 * `outbox replay` and `outbox verify`: deliver matching events again, and check that every committed event was delivered or is in flight.
 *
 * @example
 * registerReplayCommands(new Command('outbox'));
 */
export function registerReplayCommands(program: Command): void {
  program
    .command('replay')
    .description('deliver matching events again (same webhook-id), by signal-with-start on their workflows')
    .requiredOption('--tenant <id>', "the tenant ('*' for every tenant)")
    .requiredOption('--since <date>', 'events created at or after this ISO date/time', isoDate)
    .option('--until <date>', 'events created before this ISO date/time (default: now)', isoDate)
    .option('--events <pattern>', "event types, e.g. 'order.*'", '*')
    .option('--correlation-id <id>', 'only events with this correlation id')
    .addOption(new Option('--subscription <name>', 'only to this subscription (repeatable)').argParser(collect))
    .option('--dry-run', 'list what would be replayed; send nothing')
    .option('--yes', `do not ask for confirmation above 100 events`)
    .action(async (flags: ReplayFlags) => exitWith(await replayCommand(flags)));

  program
    .command('verify')
    .description('check that every committed event is delivered, discarded, expired, or in flight with a live workflow')
    .addOption(
      new Option('--since <when>', 'check events created since: a duration ago (24h, 7d) or an ISO date').argParser(pointInTime).default(undefined, '24h'),
    )
    .addOption(
      new Option('--pending-grace <duration>', 'how long an event may stay pending before it counts as a problem')
        .argParser(duration)
        .default(5 * 60_000, '5m'),
    )
    .option('--json', 'print the report as JSON')
    .action(async (flags: { since?: Date; pendingGrace: number; json?: boolean }) =>
      exitWith(await verifyCommand({ ...flags, since: flags.since ?? new Date(Date.now() - 24 * 60 * 60_000) })),
    );
}
