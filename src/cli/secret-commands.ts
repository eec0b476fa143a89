import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { SecretBox } from '../secrets/secret-box.js';
import { resealSubscriptionSecrets } from '../subscriptions/reseal-secrets.js';
import { withDatabase } from './with-database.js';

/**
 * `outbox secrets reseal`: seals subscription secrets at rest
 * with the current key of OUTBOX_SECRET_KEYS (after a key is first set, or rotated).
 *
 * @example
 * registerSecretCommands(new Command('outbox'));
 */
export function registerSecretCommands(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('subscription secrets at rest (sealed with OUTBOX_SECRET_KEYS): reseal them after a key is set or rotated');
  secrets
    .command('reseal')
    .description(
      'seal every subscription secret with the first key of OUTBOX_SECRET_KEYS (or OUTBOX_PAYLOAD_KEYS): values in clear and values under older keys',
    )
    .action(async () => {
      const keys = loadConfig().secretKeys;
      if (!keys) {
        console.error('error: no key to seal with: set OUTBOX_SECRET_KEYS (id:base64 of 32 bytes, e.g. k1:$(openssl rand -base64 32)) and run this again');
        process.exitCode = 1;
        return;
      }
      const report = await withDatabase((db) =>
        resealSubscriptionSecrets(db, new SecretBox(keys), (done, total) => {
          if (done % 100 === 0 || done === total) process.stderr.write(`resealed ${done}/${total} subscriptions\n`);
        }),
      );
      console.log(`${report.resealed} of ${report.subscriptions} subscription(s) resealed with key ${keys.current}; the rest were already current`);
    });
}
