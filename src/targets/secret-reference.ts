import { z } from 'zod';
import { MissingSecretError } from '../failures/delivery-error.js';

/** `env:NAME`: the value is read from the worker's environment at delivery time, never stored. */
const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Which variables `env:NAME` may read: those named `OUTBOX_SECRET_…`, and those the worker's
 * operator lists in OUTBOX_SECRET_ENV_ALLOWLIST (comma-separated). Anything else (DATABASE_URL,
 * OUTBOX_PAYLOAD_KEYS, cloud credentials) would otherwise go to whatever endpoint a subscription
 * names, and subscriptions can be written from tenant input.
 */
export const SECRET_PREFIX = 'OUTBOX_SECRET_';
export const SECRET_ALLOWLIST_VARIABLE = 'OUTBOX_SECRET_ENV_ALLOWLIST';

function mayBeReferenced(name: string, env: NodeJS.ProcessEnv): boolean {
  if (name.startsWith(SECRET_PREFIX) && name !== SECRET_ALLOWLIST_VARIABLE) return true;
  return (env[SECRET_ALLOWLIST_VARIABLE] ?? '').split(',').some((allowed) => allowed.trim() === name);
}

/** True for `env:NAME`. */
export function isEnvReference(value: string): boolean {
  return ENV_REFERENCE.test(value);
}

/**
 * The value itself, or for `env:NAME` the variable's value in `env`. Throws MissingSecretError
 * naming the variable when it is unset, or when it is not one `env:` may read (see SECRET_PREFIX).
 *
 * @example
 * resolveSecret('env:OUTBOX_SECRET_SLACK_URL', process.env);
 */
export function resolveSecret(value: string, env: NodeJS.ProcessEnv): string {
  const match = ENV_REFERENCE.exec(value);
  if (!match?.[1]) return value;
  if (!mayBeReferenced(match[1], env)) {
    throw new MissingSecretError(
      `env:${match[1]} is not a secret this worker hands out: name the variable ${SECRET_PREFIX}…, or list it in ${SECRET_ALLOWLIST_VARIABLE} on the worker, then retry`,
    );
  }
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
