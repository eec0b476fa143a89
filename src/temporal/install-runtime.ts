import { Runtime, type Logger as SdkLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from 'pino';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

/**
 * Routes the Temporal SDK's own logs (worker state, core warnings) into the engine's pino
 * logger, so the process writes one log format, and (with `metricsAddress`) serves the SDK's
 * worker metrics in Prometheus format on that loopback address, for the engine's /metrics to
 * include. Call before the first NativeConnection; later calls do nothing (the SDK's runtime is
 * one per process). Returns whether this call installed it.
 *
 * @example
 * installTemporalRuntime(logger, { metricsAddress: '127.0.0.1:9464' });
 * const connection = await NativeConnection.connect({ address });
 */
export function installTemporalRuntime(logger: Logger, options: { metricsAddress?: string } = {}): boolean {
  if (installed) return false;
  installed = true;
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    // The deliver activity logs each failed attempt itself, with the target and error; the SDK's
    // own line for it would say the same again with less context.
    const quieter = message === 'Activity failed' && meta?.activityType === 'deliver' ? 'DEBUG' : level;
    sdkLogger[LEVELS[quieter]](meta ?? {}, message);
  };
  const adapter: SdkLogger = {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
  try {
    Runtime.install({
      logger: adapter,
      ...(options.metricsAddress && {
        telemetryOptions: {
          metrics: { prometheus: { bindAddress: options.metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true } },
        },
      }),
    });
    return true;
  } catch {
    // Already installed by someone else in this process (e.g. a test harness): keep theirs.
    return false;
  }
}
