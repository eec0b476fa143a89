import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.js';
import type { EngineConfig } from '../config/load-config.js';
import { describeTemporalFailure, diagnoseTemporal, explainTemporalFailure, type TemporalSettings } from '../temporal/temporal-settings.js';
import { startHttpServer, type EngineHttpServer } from './http-server.js';
import { NotMigratedError, startEngine, type EngineRoles, type RunningEngine } from './start-engine.js';

/** How often the credential files and profile are read again (a rotated key applies within this). */
export const CREDENTIAL_CHECK_MS = 15_000;
/** Longest wait between two attempts to reach Temporal. */
const MAX_BACKOFF_MS = 30_000;

export interface SupervisedEngine {
  /** Settles when stopped; rejects on a configuration error nothing but a fix can cure. */
  done: Promise<void>;
  stop(): Promise<void>;
  /** The engine now running, if any (between restarts there is none). */
  current(): RunningEngine | undefined;
}

/**
 * Keeps the engine running against Temporal as production needs it:
 * - Temporal unreachable or refusing (TLS handshake, PermissionDenied): the engine is not
 *   started, /readyz answers 503 with the reason (naming the setting), one log line a minute
 *   says why, and it tries again with backoff; nothing is claimed from the outbox meanwhile.
 * - Credentials change on disk (cert-manager renewing a client certificate, a rotated API key in
 *   the TOML profile): read every 15 s; a new API key is set on the running connections, a new
 *   certificate restarts the engine's connections cleanly (the relay finishes its batch, the
 *   worker drains), so nothing is lost or sent twice.
 * - The worker stops on its own (Temporal gone beyond its retries): started again, with backoff.
 * A bad setting (a missing file, a key that does not match its certificate) at start-up is a
 * ConfigError the caller reports in one line; read again later, it is logged and the engine
 * keeps its working credentials.
 *
 * @example
 * const supervised = superviseEngine({ config, roles, logger, loadSettings: () => loadTemporalSettings(process.env, { embeddedAddress }) });
 * process.once('SIGTERM', () => void supervised.stop());
 * await supervised.done;
 */
export function superviseEngine(options: {
  config: EngineConfig;
  roles?: Partial<EngineRoles>;
  logger: Logger;
  loadSettings: () => TemporalSettings;
  /** Told each time an engine has started (the CLI prints its addresses). */
  onStarted?: (engine: RunningEngine) => void;
}): SupervisedEngine {
  const { config, logger } = options;
  const roles: EngineRoles = { relay: true, worker: true, http: true, ...options.roles };
  let engine: RunningEngine | undefined;
  let placeholder: EngineHttpServer | undefined;
  let stopping = false;
  let wake: () => void = () => undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  let lastSaid = { text: '', at: 0 };
  const say = (text: string) => {
    if (text === lastSaid.text && Date.now() - lastSaid.at < 60_000) return;
    lastSaid = { text, at: Date.now() };
    logger.error(text);
  };

  /** Serves /healthz and a /readyz that says why the engine is not running, while it is not. */
  const notReady = async (reason: string) => {
    if (!roles.http || placeholder) return;
    placeholder = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      logger,
      checks: [{ name: 'temporal', probe: () => Promise.reject(new Error(reason)) }],
    }).catch(() => undefined);
  };
  const closePlaceholder = async () => {
    await placeholder?.close();
    placeholder = undefined;
  };

  const run = async () => {
    let settings = options.loadSettings();
    let failures = 0;
    while (!stopping) {
      // While not ready, ask Temporal first: the placeholder keeps answering /readyz until it does.
      if (placeholder) {
        const why = await diagnoseTemporal(settings);
        if (why !== undefined) {
          say(`${why}. Not ready; trying again.`);
          failures += 1;
          await sleep(Math.min(1_000 * 2 ** (failures - 1), MAX_BACKOFF_MS));
          continue;
        }
      }
      await closePlaceholder();
      try {
        engine = await startEngine({ config, temporal: settings, roles, logger });
      } catch (error) {
        if (error instanceof NotMigratedError || error instanceof ConfigError) throw error;
        const reason = await explainTemporalFailure(error, settings);
        say(`${reason}. Not ready; trying again.`);
        await notReady(reason);
        failures += 1;
        await sleep(Math.min(1_000 * 2 ** (failures - 1), MAX_BACKOFF_MS));
        continue;
      }
      failures = 0;
      lastSaid = { text: '', at: 0 };
      options.onStarted?.(engine);
      const running = engine;
      const outcome = await watchCredentials(running, settings);
      engine = undefined;
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'restart') {
        settings = outcome.settings;
        continue;
      }
      // The engine stopped on its own (the worker lost Temporal): start it again after a pause.
      say(`the engine stopped: ${describeTemporalFailure(outcome.error, settings)}. Starting it again.`);
      failures += 1;
      await sleep(Math.min(1_000 * 2 ** (failures - 1), MAX_BACKOFF_MS));
    }
  };

  /** Waits for the engine to end, reading the credentials again every 15 s meanwhile. */
  const watchCredentials = async (
    running: RunningEngine,
    settings: TemporalSettings,
  ): Promise<{ kind: 'stopped' } | { kind: 'restart'; settings: TemporalSettings } | { kind: 'failed'; error: unknown }> => {
    let ended: { kind: 'stopped' } | { kind: 'failed'; error: unknown } | undefined;
    const finished = running.done.then(
      () => (ended = { kind: 'stopped' }),
      (error: unknown) => (ended = { kind: 'failed', error }),
    );
    let fingerprint = fingerprintOf(settings);
    let key = settings.apiKey?.();
    for (;;) {
      await Promise.race([finished, sleep(CREDENTIAL_CHECK_MS)]);
      if (ended) return stopping ? { kind: 'stopped' } : ended;
      if (stopping) continue;
      let next: TemporalSettings;
      try {
        next = options.loadSettings();
      } catch (error) {
        // A certificate half-written during a renewal, say: keep what works, look again soon.
        say(`Temporal settings read again but not usable (${(error as Error).message}); keeping the ones in use`);
        continue;
      }
      const nextKey = next.apiKey?.();
      if (fingerprintOf(next) !== fingerprint) {
        logger.info('the Temporal client certificate or settings changed on disk: restarting the engine’s Temporal connections to use them');
        await running.stop();
        return { kind: 'restart', settings: next };
      }
      if (nextKey !== key && nextKey !== undefined) {
        await running.setApiKey(nextKey);
        settings.apiKey = () => nextKey;
        key = nextKey;
        fingerprint = fingerprintOf(next);
        logger.info('the Temporal API key changed: the running connections use the new one');
      }
    }
  };

  const done = run().finally(() => closePlaceholder());
  return {
    done,
    current: () => engine,
    stop: async () => {
      stopping = true;
      wake();
      await engine?.stop();
      await done.catch(() => undefined);
    },
  };
}

/** What a change of means a restart: address, namespace, TLS and the files' contents (not the API key). */
function fingerprintOf(settings: TemporalSettings): string {
  const hash = createHash('sha256').update(JSON.stringify([settings.address, settings.namespace, settings.metadata ?? {}, settings.tls === undefined]));
  for (const file of settings.files.filter((path) => !/\.toml$/i.test(path))) {
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update(`missing ${file}`);
    }
  }
  const tls = settings.tls;
  if (tls && typeof tls === 'object') {
    hash.update(tls.serverNameOverride ?? '');
    hash.update(tls.serverRootCACertificate ?? '');
    hash.update(tls.clientCertPair?.crt ?? '');
    hash.update(tls.clientCertPair?.key ?? '');
  }
  return hash.digest('hex');
}
