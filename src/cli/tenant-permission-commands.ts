import type { Command } from 'commander';
import { BROKER_TARGET_KINDS, listTenantPermissions, setTenantPermissions } from '../subscriptions/tenant-permissions.js';
import { withDatabase } from './with-database.js';

/**
 * `outbox tenant-permissions list|set`: which broker target kinds (Redis, NATS, RabbitMQ, MQTT,
 * Kafka) a tenant's own API keys and portal links may use. Webhook, Slack, n8n and realtime are
 * open to every tenant; operators' keys and this CLI may use every kind.
 *
 * @example
 * registerTenantPermissionCommands(new Command('outbox'));
 */
export function registerTenantPermissionCommands(program: Command): void {
  const permissions = program
    .command('tenant-permissions')
    .description(`broker target kinds a tenant's own keys may use (${BROKER_TARGET_KINDS.join(', ')}); HTTP kinds are open to all`);
  permissions
    .command('list')
    .description('the tenants with broker kinds opened to them')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const all = await withDatabase((db) => listTenantPermissions(db));
      if (flags.json) return void console.log(JSON.stringify(all, null, 2));
      if (all.length === 0) console.log('no tenant may use broker target kinds (only webhook, slack, n8n and realtime)');
      for (const entry of all) console.log(`${entry.tenant}: ${entry.targetKinds.join(', ')}`);
    });
  permissions
    .command('set')
    .description("replace the broker kinds a tenant's keys may use (--target-kinds '' takes them all away)")
    .argument('<tenant>')
    .requiredOption('--target-kinds <kinds>', `comma-separated, of ${BROKER_TARGET_KINDS.join(', ')}`)
    .action(async (tenant: string, flags: { targetKinds: string }) => {
      const kinds = flags.targetKinds
        .split(',')
        .map((kind) => kind.trim())
        .filter(Boolean);
      const saved = await withDatabase((db) => setTenantPermissions(db, tenant, kinds));
      console.log(
        saved.targetKinds.length > 0
          ? `tenant ${tenant} may now use ${saved.targetKinds.join(', ')} targets (still only on addresses the address policy allows)`
          : `tenant ${tenant} may use webhook, slack, n8n and realtime targets only`,
      );
    });
}
