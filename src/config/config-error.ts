/**
 * A configuration value is missing or malformed; the message names the variable (see loadConfig).
 *
 * @example
 * throw new ConfigError('Invalid environment variable OUTBOX_HTTP_PORT="x": expected a number.', 'OUTBOX_HTTP_PORT');
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
  }
}
