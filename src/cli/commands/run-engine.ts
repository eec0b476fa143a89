import { loadConfig } from '../../config/load-config.js';
import { AddressPolicy } from '../../egress/address-policy.js';
import { createDatabase } from '../../db/create-database.js';
import { migrate } from '../../db/migrate.js';
import { createLogger } from '../../engine/create-logger.js';
import { startEngine, type EngineRoles } from '../../engine/start-engine.js';
import { startDevServer, type RunningDevServer } from '../../temporal/dev-server.js';
import { findTemporalCli } from '../../temporal/find-temporal-cli.js';

export interface RunEngineOptions {
  roles: EngineRoles;
  /** `dev`: migrate first and always run the embedded dev server. */
  dev: boolean;
}

/**
 * `outbox start` and `outbox dev`: runs the engine until SIGINT/SIGTERM, then shuts down
 * gracefully (a second signal forces exit).
 */
export async function runEngine(options: RunEngineOptions): Promise<void> {
  const loaded = loadConfig();
  const logger = createLogger(loaded.logLevel);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  // On a laptop the targets are usually local servers: dev allows loopback unless told otherwise.
  const config = options.dev && !loaded.targets.explicit ? { ...loaded, targets: { addressPolicy: AddressPolicy.parse('loopback'), explicit: false } } : loaded;
  if (options.dev && !loaded.targets.explicit)
    say('dev: HTTP targets may be on loopback (OUTBOX_ALLOW_PRIVATE_TARGETS=loopback); other private addresses are refused');

  if (options.dev) {
    const database = createDatabase({ connectionString: config.databaseUrl, max: 1 });
    try {
      const { applied } = await migrate(database.pool, { onApply: (name) => say(`applying migration ${name}`) });
      say(applied.length ? `database migrated (${applied.length} migration(s) applied)` : 'database schema is up to date');
    } finally {
      await database.close();
    }
  }

  let devServer: RunningDevServer | undefined;
  let temporalAddress = config.temporalAddress;
  if (!temporalAddress || options.dev) {
    if (options.dev && config.temporalAddress) say(`dev: ignoring TEMPORAL_ADDRESS=${config.temporalAddress}, running the embedded dev server`);
    if (!options.dev) logger.warn('TEMPORAL_ADDRESS is not set: running an embedded Temporal dev server (not for production)');
    const cli = await findTemporalCli({ onProgress: say });
    devServer = await startDevServer({
      cliPath: cli.path,
      port: config.devServer.port,
      uiPort: config.devServer.uiPort,
      dbFile: config.devServer.dbFile,
      recordFile: config.devServer.recordFile,
      onNotice: say,
    });
    temporalAddress = devServer.address;
    say(`Temporal dev server on ${devServer.address} (state: ${config.devServer.dbFile ?? 'in memory'})`);
  }

  // If this process dies of an error nothing caught, the dev server goes with it (a SIGKILL
  // cannot be caught: the next start finds that server by its record and reuses or replaces it).
  const stopDevServerOnExit = () => void devServer?.process?.kill('SIGTERM');
  process.once('exit', stopDevServerOnExit);

  const engine = await startEngine({ config, temporalAddress, roles: options.roles, logger }).catch(async (error: unknown) => {
    await devServer?.stop();
    throw error;
  });

  if (devServer?.uiUrl) say(`\n  Temporal Web UI: ${devServer.uiUrl}\n`);
  if (engine.http) say(`  Health: http://${config.http.host}:${engine.http.address.port}/readyz`);
  if (options.dev) {
    say('  Next: add a subscription in another terminal, e.g.');
    say("    npx outbox subscriptions add --events 'order.*' --webhook http://127.0.0.1:9000/hook --allow-private-address");
    say('  Press Ctrl+C to stop.\n');
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      say(`${signal} again: exiting now`);
      process.exit(130);
    }
    say(`${signal}: finishing the current batch and in-flight deliveries (Ctrl+C again to force)…`);
    void engine.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await engine.done;
  } finally {
    await devServer?.stop();
    process.off('exit', stopDevServerOnExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  say('outbox engine stopped');
}
