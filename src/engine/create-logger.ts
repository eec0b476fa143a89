import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * The engine's structured logger (JSON lines). Secrets never reach it by design; the redact list
 * is a second line of defence for any object that carries one by mistake.
 *
 * @example
 * const logger = createLogger('info');
 * logger.info({ eventId: '42' }, 'delivered');
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'outbox' },
      redact: {
        paths: ['secret', '*.secret', '*.*.secret', 'password', '*.password', 'target_config', '*.target_config', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
