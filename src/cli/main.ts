/**
 * The CLI room: the `outbox` command. This file builds the program; each command group
 * registers itself from its own file (commands/, *-commands.ts), and every command ends through
 * exit-with.ts. The top room: it may import every other room, and nothing imports it.
 */
import { Command, CommanderError } from 'commander';
import { ENGINE_VERSION } from '../config/engine-version.js';
import { describeError } from './describe-error.js';
import { registerApiKeyCommands } from './api-key-commands.js';
import { registerDlqCommands } from './dlq-commands.js';
import { registerEngineCommands } from './engine-commands.js';
import { registerEventTypeCommands } from './event-type-commands.js';
import { registerFanoutCommands } from './fanout-commands.js';
import { registerInstallationCommands } from './installation-commands.js';
import { registerOperationsCommands } from './operations-commands.js';
import { registerReplayCommands } from './replay-commands.js';
import { registerSagaCommands } from './saga-commands.js';
import { registerSecretCommands } from './secret-commands.js';
import { registerSigningKeyCommands } from './signing-key-commands.js';
import { registerSubscriptionCommands } from './subscription-commands.js';
import { registerTenantPermissionCommands } from './tenant-permission-commands.js';

/** Builds the `outbox` command line; exported so tests can parse argv without a process. */
export function buildProgram(): Command {
  const program = new Command('outbox')
    .description(
      'Transactional outbox delivery engine on Temporal.\nConfiguration comes from environment variables (DATABASE_URL, TEMPORAL_ADDRESS, …); see the README.',
    )
    .version(ENGINE_VERSION, '-V, --version', 'print the engine version (semver; CHANGELOG.md says what each release changed)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  // In the order `outbox --help` lists them.
  registerEngineCommands(program);
  registerSubscriptionCommands(program);
  registerTenantPermissionCommands(program);
  registerSecretCommands(program);
  registerSigningKeyCommands(program);
  registerApiKeyCommands(program);
  registerEventTypeCommands(program);
  registerInstallationCommands(program);
  registerFanoutCommands(program);
  registerSagaCommands(program);
  registerDlqCommands(program);
  registerReplayCommands(program);
  registerOperationsCommands(program);
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
