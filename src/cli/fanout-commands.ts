import { Option, type Command } from 'commander';
import { exitWith } from './exit-with.js';

/**
 * `outbox fanout set|list|remove`: which of an event's deliveries must succeed.
 *
 * @example
 * registerFanoutCommands(new Command('outbox'));
 */
export function registerFanoutCommands(program: Command): void {
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
}
