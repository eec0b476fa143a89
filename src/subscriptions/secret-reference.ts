import { z } from 'zod';

/** `env:NAME`: the value is read from the worker's environment at delivery time, never stored. */
const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** A configured value that refers to an environment variable the worker must have. */
export class MissingSecretError extends Error {
  override readonly name = 'MissingSecretError';
}

/** True for `env:NAME`. */
export function isEnvReference(value: string): boolean {
  return ENV_REFERENCE.test(value);
}

/**
 * The value itself, or for `env:NAME` the variable's value in `env`. Throws MissingSecretError
 * naming the variable when it is unset.
 *
 * @example
 * resolveSecret('env:SLACK_URL', process.env);
 */
export function resolveSecret(value: string, env: NodeJS.ProcessEnv): string {
  const match = ENV_REFERENCE.exec(value);
  if (!match?.[1]) return value;
  const resolved = env[match[1]];
  if (resolved === undefined || resolved === '') {
    throw new MissingSecretError(`environment variable ${match[1]} (referenced as env:${match[1]}) is not set on this worker; set it and retry`);
  }
  return resolved;
}

/**
 * A setting that may be given literally or as `env:NAME`; `literal` validates literal values
 * only (an env reference is checked when used).
 */
export function secretOr<T extends z.ZodType<string>>(literal: T) {
  return z.string().refine((value) => isEnvReference(value) || literal.safeParse(value).success, {
    error: (issue) => {
      const result = literal.safeParse(issue.input);
      return result.success ? 'is invalid' : (result.error.issues[0]?.message ?? 'is invalid');
    },
  });
}
