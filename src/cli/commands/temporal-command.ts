import { spawn } from 'node:child_process';
import { loadConfig } from '../../config/load-config.js';
import { findTemporalCli } from '../../temporal/find-temporal-cli.js';
import { operatorTemporalSettings } from '../connect-temporal.js';

/**
 * `outbox temporal -- ARGS`: runs the Temporal CLI the engine uses (found or built), so
 * operators have `workflow list|describe|signal` without installing anything. The CLI reads
 * the same TEMPORAL_* variables and TOML profiles as the engine; with nothing configured it is
 * pointed at the embedded dev server (OUTBOX_DEV_TEMPORAL_PORT), as the engine's other commands are.
 */
export async function temporalCommand(args: string[]): Promise<number> {
  const settings = operatorTemporalSettings(loadConfig());
  const cli = await findTemporalCli({ onProgress: (line) => process.stderr.write(`${line}\n`) });
  const env = { ...process.env, ...(settings.embedded && { TEMPORAL_ADDRESS: settings.address }) };
  const child = spawn(cli.path, args, { stdio: 'inherit', env });
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
