import type { Command } from 'commander';
import type { RunEngineOptions } from './commands/run-engine.js';
import { exitWith } from './exit-with.js';

// Imported when run, so other commands do not pay for loading these.
const migrateCommand = async () => (await import('./commands/migrate-command.js')).migrateCommand();
const runEngine = async (options: RunEngineOptions) => (await import('./commands/run-engine.js')).runEngine(options);
const temporalCommand = async (args: string[]) => (await import('./commands/temporal-command.js')).temporalCommand(args);

/**
 * `outbox migrate|start|dev|temporal`: the schema, the engine process (relay, worker, HTTP), and the Temporal CLI against the same server.
 *
 * @example
 * registerEngineCommands(new Command('outbox'));
 */
export function registerEngineCommands(program: Command): void {
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

  program
    .command('temporal')
    .description('run the Temporal CLI against the same server: outbox temporal -- workflow list')
    .argument('[args...]', 'arguments for the temporal CLI (put them after --)')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args: string[]) => exitWith(await temporalCommand(args)));
}
