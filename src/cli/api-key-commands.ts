import type { Command } from 'commander';
import { createApiKey, listApiKeys, revokeApiKey } from '../api/api-key-store.js';
import { createPortalLink, revokePortalLinks } from '../api/portal-links.js';
import { cliActor } from '../dead-letters/operator-actions.js';
import { loadConfig } from '../config/load-config.js';
import { exitWith } from './exit-with.js';
import { duration } from './option-parsers.js';
import { printTable } from './print-table.js';
import { withDatabase } from './with-database.js';

/**
 * `outbox api-keys create|list|revoke`: the keys of the management API (/v1). A key is printed
 * once, when created; only its hash is stored. `outbox portal-link`: a signed, expiring link to
 * the web console for one tenant.
 *
 * @example
 * registerApiKeyCommands(new Command('outbox'));
 */
export function registerApiKeyCommands(program: Command): void {
  const keys = program.command('api-keys').description('keys for the management API (/v1): operator keys, or keys of one tenant');
  keys
    .command('create')
    .description('create a key and print it (once: it is not stored, only its hash)')
    .option('--operator', 'a key that sees and changes every tenant')
    .option('--tenant <id>', 'a key that sees and changes only this tenant')
    .option('--name <text>', 'what the key is for, shown in lists')
    .option('--json', 'print the key and its details as JSON')
    .action(async (flags: { operator?: boolean; tenant?: string; name?: string; json?: boolean }) => {
      if (flags.operator === (flags.tenant !== undefined)) {
        process.stderr.write('error: give exactly one of --operator or --tenant <id>\n');
        return exitWith(false);
      }
      const name = flags.name ?? (flags.operator ? 'operator key' : `key of tenant ${flags.tenant}`);
      const created = await withDatabase((db) =>
        createApiKey(db, flags.operator ? { name, scope: 'operator' } : { name, scope: 'tenant', tenant: flags.tenant! }),
      );
      if (flags.json) return void console.log(JSON.stringify({ key: created.key, ...created.summary }, null, 2));
      console.log(created.key);
      process.stderr.write(
        `created API key ${created.summary.prefix} (${created.summary.scope}${created.summary.tenant ? ` ${created.summary.tenant}` : ''}); it is shown only now: store it, then send it as Authorization: Bearer <key>\n`,
      );
    });
  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const all = await withDatabase((db) => listApiKeys(db));
      if (flags.json) return void console.log(JSON.stringify(all, null, 2));
      if (all.length === 0) return void console.log('no API keys; create one with `outbox api-keys create --operator` or `--tenant T`');
      const when = (date: Date | null) => (date ? date.toISOString().slice(0, 19).replace('T', ' ') : '-');
      printTable(
        ['ID', 'PREFIX', 'SCOPE', 'TENANT', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'],
        all.map((key) => [key.id, key.prefix, key.scope, key.tenant ?? '-', key.name, when(key.createdAt), when(key.lastUsedAt), when(key.revokedAt)]),
      );
    });
  keys
    .command('revoke')
    .description('revoke a key by id or prefix; it stops working at once')
    .argument('<id-or-prefix>')
    .action(async (idOrPrefix: string) => {
      const revoked = await withDatabase((db) => revokeApiKey(db, idOrPrefix));
      if (revoked) console.log(`revoked API key ${revoked.prefix} (${revoked.name})`);
      else process.stderr.write(`error: no unrevoked API key ${idOrPrefix}; see \`outbox api-keys list\`\n`);
      exitWith(revoked !== undefined);
    });
  program
    .command('portal-link')
    .description("print a signed link to the web console that shows one tenant's endpoints, events and attempts, until it expires")
    .requiredOption('--tenant <id>', 'the tenant the link shows')
    .option('--expires <duration>', 'how long the link works, 1m to 30d', duration, 3_600_000)
    .option('--base-url <url>', 'the console as its users reach it (default: OUTBOX_CONSOLE_URL, else http://OUTBOX_HTTP_HOST:OUTBOX_HTTP_PORT/console/)')
    .option('--json', 'print the link and its expiry as JSON')
    .action(async (flags: { tenant: string; expires: number; baseUrl?: string; json?: boolean }) => {
      const config = loadConfig();
      const base = flags.baseUrl ?? config.console.url;
      const link = await withDatabase((db) => createPortalLink(db, { tenant: flags.tenant, expiresInSeconds: Math.round(flags.expires / 1000) }));
      const url = `${base}#portal=${link.token}`;
      if (flags.json) return void console.log(JSON.stringify({ url, id: link.id, tenant: link.tenant, expiresAt: link.expiresAt.toISOString() }, null, 2));
      console.log(url);
      process.stderr.write(
        `portal link ${link.id} for tenant ${link.tenant}, valid until ${link.expiresAt.toISOString()}; anyone with it sees that tenant's console ` +
          `(revoke it: outbox portal-link-revoke --id ${link.id})\n`,
      );
    });
  program
    .command('portal-link-revoke')
    .description('revoke a portal link before it expires (--id), or every link of a tenant made until now (--tenant)')
    .option('--id <id>', 'the link id (printed when the link was made; the audit names it portal-link:<id>)')
    .option('--tenant <id>', "every link of this tenant's made until now")
    .action(async (flags: { id?: string; tenant?: string }) => {
      if ((flags.id === undefined) === (flags.tenant === undefined)) {
        process.stderr.write('error: give exactly one of --id <link id> or --tenant <id>\n');
        return exitWith(false);
      }
      const which = flags.id !== undefined ? { id: flags.id } : { tenant: flags.tenant! };
      const revokedAt = await withDatabase((db) => revokePortalLinks(db, which, cliActor()));
      console.log(
        `revoked ${flags.id !== undefined ? `portal link ${flags.id}` : `every portal link of tenant ${flags.tenant} made until now`} at ${revokedAt.toISOString()}`,
      );
    });
}
