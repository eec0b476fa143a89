import { spawn } from 'node:child_process';
import { findTemporalCli } from '../../temporal/find-temporal-cli.js';

/**
 * `outbox temporal -- ARGS`: runs the Temporal CLI the engine uses (found or built), so
 * operators have `workflow list|describe|signal` without installing anything. The CLI reads
 * TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE from the environment, like the engine.
 */
export async function temporalCommand(args: string[]): Promise<number> {
  const cli = await findTemporalCli({ onProgress: (line) => process.stderr.write(`${line}\n`) });
  const child = spawn(cli.path, args, { stdio: 'inherit' });
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
