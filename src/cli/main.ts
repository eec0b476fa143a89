import { Command, CommanderError, Option } from 'commander';
import type { RunEngineOptions } from './commands/run-engine.js';
import type { ReplayFlags } from './commands/replay-command.js';
import type { AddSagaFlags } from './commands/sagas-command.js';
import { describeError } from './describe-error.js';
import { registerInstallationCommands } from './installation-commands.js';
import { registerSubscriptionCommands } from './subscription-commands.js';
import { registerApiKeyCommands } from './api-key-commands.js';
import { registerEventTypeCommands } from './event-type-commands.js';
import { collect, duration, isoDate, pointInTime, positiveInteger } from './option-parsers.js';
import { exitWith } from './exit-with.js';

// Commands are imported when run, so `outbox status` does not pay for loading the Temporal worker.
const migrateCommand = async () => (await import('./commands/migrate-command.js')).migrateCommand();
const runEngine = async (options: RunEngineOptions) => (await import('./commands/run-engine.js')).runEngine(options);
const statusCommand = async (flags: { json?: boolean; watch?: boolean; interval?: number; count?: number }) =>
  (await import('./commands/status-command.js')).statusCommand(flags);
const temporalCommand = async (args: string[]) => (await import('./commands/temporal-command.js')).temporalCommand(args);
const dlqCommands = () => import('./commands/dlq-command.js');
const replayCommand = async (flags: ReplayFlags) => (await import('./commands/replay-command.js')).replayCommand(flags);
const verifyCommand = async (flags: { since: Date; pendingGrace: number; json?: boolean }) =>
  (await import('./commands/verify-command.js')).verifyCommand(flags);

/** Builds the `outbox` command line; exported so tests can parse argv without a process. */
export function buildProgram(): Command {
  const program = new Command('outbox')
    .description(
      'Transactional outbox delivery engine on Temporal.\nConfiguration comes from environment variables (DATABASE_URL, TEMPORAL_ADDRESS, …); see the README.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('migrate')
    .description('create or upgrade the outbox schema (safe to run twice, or from several processes at once)')
    .action(() => migrateCommand());

  const roles = (command: Command) =>
    command
      .option('--no-relay', 'do not run the relay (outbox rows → workflows)')
      .option('--no-worker', 'do not run the Temporal worker (workflows → targets)')
      .option('--no-http', 'do not serve /healthz and /readyz');

  roles(program.command('start'))
    .description('run relay, worker and HTTP server against TEMPORAL_ADDRESS (or an embedded dev server when unset)')
    .action((flags: { relay: boolean; worker: boolean; http: boolean }) =>
      runEngine({ dev: false, roles: { relay: flags.relay, worker: flags.worker, http: flags.http } }),
    );

  roles(program.command('dev'))
    .description('migrate, then run the engine on an embedded Temporal dev server with its Web UI')
    .action((flags: { relay: boolean; worker: boolean; http: boolean }) =>
      runEngine({ dev: true, roles: { relay: flags.relay, worker: flags.worker, http: flags.http } }),
    );

  registerSubscriptionCommands(program);
  registerApiKeyCommands(program);
  registerEventTypeCommands(program);
  registerInstallationCommands(program);

  const fanout = program.command('fanout').description("which of an event's deliveries must succeed (all, any, primary)");
  const fanoutCommands = () => import('./commands/fanout-command.js');
  fanout
    .command('set')
    .description('set the strategy for events matching a pattern (replaces the rule for the same tenant and pattern)')
    .requiredOption('--events <pattern>', "event types, e.g. 'payment.*'")
    .addOption(new Option('--strategy <strategy>', 'all | any | primary').choices(['all', 'any', 'primary']).makeOptionMandatory())
    .option('--primary <subscription>', 'with --strategy primary: the subscription that must succeed')
    .option('--tenant <id>', "only this tenant's events ('*' for all)", '*')
    .action(async (flags: { tenant: string; events: string; strategy: 'all' | 'any' | 'primary'; primary?: string }) =>
      (await fanoutCommands()).fanoutSetCommand(flags),
    );
  fanout
    .command('list')
    .description('list fan-out rules')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => (await fanoutCommands()).fanoutListCommand(flags));
  fanout
    .command('remove')
    .description('remove a fan-out rule by id')
    .argument('<id>')
    .action(async (id: string) => exitWith(await (await fanoutCommands()).fanoutRemoveCommand(id)));

  const sagas = program.command('sagas').description('saga routes: ordered steps, compensated in reverse when one fails');
  const sagaCommands = () => import('./commands/sagas-command.js');
  sagas
    .command('add')
    .description('deliver matching events as ordered steps (replaces the saga of the same name)')
    .requiredOption('--name <name>', 'unique saga name')
    .requiredOption('--events <pattern>', "event types, e.g. 'payment.requested'")
    .option('--tenant <id>', "only this tenant's events ('*' for all)", '*')
    .addOption(
      new Option(
        '--step <name=subscription[/compensation]>',
        'a step, in order (repeatable): its subscription, and the one that undoes it, e.g. charge=psp-charge/psp-refund',
      )
        .argParser(collect)
        .makeOptionMandatory(),
    )
    .option('--json', 'print the result as JSON')
    .action(async (flags: AddSagaFlags) => (await sagaCommands()).addSagaCommand(flags));
  sagas
    .command('list')
    .description('list saga routes and their steps')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => (await sagaCommands()).listSagasCommand(flags));
  sagas
    .command('remove')
    .description('remove a saga route by name')
    .argument('<name>')
    .action(async (name: string) => exitWith(await (await sagaCommands()).removeSagaCommand(name)));

  const dlq = program.command('dlq').description('dead letters: deliveries waiting for an operator');
  dlq
    .command('list')
    .description('list open dead letters')
    .option('--tenant <id>', "only this tenant's")
    .option('--events <pattern>', "only these event types, e.g. 'order.*'")
    .option('--json', 'print as JSON')
    .action(async (flags: { tenant?: string; events?: string; json?: boolean }) => (await dlqCommands()).dlqListCommand(flags));
  dlq
    .command('retry')
    .description('deliver dead letters again with a fresh retry policy (signals `retry` to their workflows)')
    .argument('[ids...]', 'dead-letter ids from `outbox dlq list`')
    .option('--all', 'every open dead letter (narrow with --tenant/--events)')
    .option('--tenant <id>', 'with --all: only this tenant')
    .option('--events <pattern>', "with --all: only these event types, e.g. 'order.*'")
    .action(async (ids: string[], flags: { all?: boolean; tenant?: string; events?: string }) =>
      exitWith(await (await dlqCommands()).dlqActionCommand('retry', ids, flags)),
    );
  dlq
    .command('discard')
    .description('give up on dead letters, recording why (signals `discard` to their workflows)')
    .argument('[ids...]', 'dead-letter ids from `outbox dlq list`')
    .requiredOption('--reason <text>', 'why; recorded on the dead letter')
    .option('--all', 'every open dead letter (narrow with --tenant/--events)')
    .option('--tenant <id>', 'with --all: only this tenant')
    .option('--events <pattern>', "with --all: only these event types, e.g. 'order.*'")
    .action(async (ids: string[], flags: { all?: boolean; tenant?: string; events?: string; reason: string }) =>
      exitWith(await (await dlqCommands()).dlqActionCommand('discard', ids, flags)),
    );

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

  program
    .command('temporal')
    .description('run the Temporal CLI against the same server: outbox temporal -- workflow list')
    .argument('[args...]', 'arguments for the temporal CLI (put them after --)')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args: string[]) => {
      process.exitCode = await temporalCommand(args);
    });

  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (unknown option, missing argument, --help…).
      return error.exitCode;
    }
    process.stderr.write(`error: ${describeError(error)}\n`);
    return 1;
  }
}
