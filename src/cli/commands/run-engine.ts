import { loadConfig } from '../../config/load-config.js';
import { AddressPolicy } from '../../egress/address-policy.js';
import { createDatabase } from '../../db/create-database.js';
import { migrate } from '../../db/migrate.js';
import { createLogger } from '../../engine/create-logger.js';
import { superviseEngine } from '../../engine/engine-supervisor.js';
import type { EngineRoles } from '../../engine/start-engine.js';
import { embeddedTemporalSettings, loadTemporalSettings } from '../../config/load-temporal-settings.js';
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
  const config =
    options.dev && !loaded.targets.explicit
      ? { ...loaded, targets: { ...loaded.targets, addressPolicy: AddressPolicy.parse('loopback'), explicit: false } }
      : loaded;
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

  // Temporal as every SDK and the CLI configure it (TEMPORAL_*, TOML profiles), checked now: a
  // bad setting is one line naming it. No address anywhere (or `dev`): the embedded dev server.
  const embeddedAddress = `127.0.0.1:${config.devServer.port}`;
  const loadSettings = () => (options.dev ? embeddedTemporalSettings(embeddedAddress) : loadTemporalSettings(process.env, { embeddedAddress }));
  const first = loadSettings();
  let devServer: RunningDevServer | undefined;
  if (first.embedded) {
    if (options.dev && config.temporalAddress) say(`dev: ignoring TEMPORAL_ADDRESS=${config.temporalAddress}, running the embedded dev server`);
    if (!options.dev)
      logger.warn('no Temporal address is configured (TEMPORAL_ADDRESS or a profile): running an embedded Temporal dev server (not for production)');
    const cli = await findTemporalCli({ onProgress: say });
    devServer = await startDevServer({
      cliPath: cli.path,
      port: config.devServer.port,
      uiPort: config.devServer.uiPort,
      dbFile: config.devServer.dbFile,
      recordFile: config.devServer.recordFile,
      onNotice: say,
    });
    say(`Temporal dev server on ${devServer.address} (state: ${config.devServer.dbFile ?? 'in memory'})`);
  }
  const devAddress = devServer?.address;

  // If this process dies of an error nothing caught, the dev server goes with it (a SIGKILL
  // cannot be caught: the next start finds that server by its record and reuses or replaces it).
  const stopDevServerOnExit = () => void devServer?.process?.kill('SIGTERM');
  process.once('exit', stopDevServerOnExit);

  let greeted = false;
  const engine = superviseEngine({
    config,
    roles: options.roles,
    logger,
    loadSettings: () => {
      const settings = loadSettings();
      return settings.embedded && devAddress ? { ...settings, address: devAddress } : settings;
    },
    onStarted: (running) => {
      if (greeted) return;
      greeted = true;
      if (devServer?.uiUrl) say(`\n  Temporal Web UI: ${devServer.uiUrl}\n`);
      if (running.http) say(`  Health: http://${config.http.host}:${running.http.address.port}/readyz`);
      if (options.dev) {
        say('  Next: add a subscription in another terminal, e.g.');
        say("    npx outbox subscriptions add --events 'order.*' --webhook http://127.0.0.1:9000/hook --allow-private-address");
        say('  Press Ctrl+C to stop.\n');
      }
    },
  });

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
  } catch (error) {
    await devServer?.stop();
    throw error;
  } finally {
    await devServer?.stop();
    process.off('exit', stopDevServerOnExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  say('outbox engine stopped');
}
