import type { Command } from 'commander';
import { exitWith } from './exit-with.js';

// Imported when run, so other commands do not pay for loading these.
const dlqCommands = () => import('./commands/dlq-command.js');

/**
 * `outbox dlq list|retry|discard`: dead letters, deliveries waiting for an operator.
 *
 * @example
 * registerDlqCommands(new Command('outbox'));
 */
export function registerDlqCommands(program: Command): void {
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
}
