import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { formatDuration } from '../durations/duration.js';
import { SecretBox } from '../secrets/secret-box.js';
import { publishedSigningKeys, rotateSigningKey } from '../targets/webhook/signing-key-ring.js';
import { duration } from './option-parsers.js';
import { withDatabase } from './with-database.js';

/**
 * `outbox signing-keys list|rotate`: the ed25519 keys webhooks with `signing: ed25519` (or
 * `both`) are signed with (Standard Webhooks `v1a`); receivers fetch the public halves from
 * GET /v1/signing-keys.
 *
 * @example
 * registerSigningKeyCommands(new Command('outbox'));
 */
export function registerSigningKeyCommands(program: Command): void {
  const keys = program.command('signing-keys').description('ed25519 keys of v1a webhook signatures: list the public keys, or rotate with a grace period');
  keys
    .command('list')
    .description('the public keys receivers verify with (the current one, and rotated ones in their grace)')
    .option('--json', 'print the JWKS GET /v1/signing-keys serves')
    .action(async (flags: { json?: boolean }) => {
      const published = await withDatabase((db) => publishedSigningKeys(db));
      if (flags.json) return void console.log(JSON.stringify(published, null, 2));
      if (published.keys.length === 0)
        console.log('no signing key yet: one is made when a webhook first signs with ed25519, or by `outbox signing-keys rotate`');
      for (const key of published.keys) console.log(`${key.kid}  ${key.whpk}  ${key.expiresAt ? `retiring at ${key.expiresAt}` : 'current'}`);
    });
  keys
    .command('rotate')
    .description('make a new current key; the old one keeps signing (both signatures are sent) and stays listed until the grace ends')
    .addOption(
      new Option('--grace <duration>', 'how long the old key still signs and is listed (0s: at once)').argParser(duration).default(24 * 60 * 60_000, '24h'),
    )
    .action(async (flags: { grace: number }) => {
      const box = new SecretBox(loadConfig().secretKeys);
      const rotated = await withDatabase((db) => rotateSigningKey(db, box, { graceMs: flags.grace }));
      console.log(`new signing key ${rotated.id} (workers sign with it within 30 s)`);
      if (rotated.previous) {
        console.log(`${rotated.previous} keeps signing and stays listed for ${formatDuration(flags.grace)}, until ${rotated.previousUntil!.toISOString()}`);
      }
    });
}
