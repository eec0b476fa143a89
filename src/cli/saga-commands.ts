import { Option, type Command } from 'commander';
import type { AddSagaFlags } from './commands/sagas-command.js';
import { exitWith } from './exit-with.js';
import { collect } from './option-parsers.js';

/**
 * `outbox sagas add|list|remove`: saga routes, ordered steps compensated in reverse.
 *
 * @example
 * registerSagaCommands(new Command('outbox'));
 */
export function registerSagaCommands(program: Command): void {
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
}
