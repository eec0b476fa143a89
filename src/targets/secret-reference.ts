import { z } from 'zod';
import { MissingSecretError } from '../failures/delivery-error.js';
import { isSealed, SealedSecretError, SecretBox } from '../secrets/secret-box.js';

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

/** One box per environment object: its keys are parsed once, not per attempt. */
const boxes = new WeakMap<NodeJS.ProcessEnv, SecretBox>();

function boxFor(env: NodeJS.ProcessEnv): SecretBox {
  let box = boxes.get(env);
  if (!box) boxes.set(env, (box = SecretBox.fromEnv(env)));
  return box;
}

/** True for `env:NAME`. */
export function isEnvReference(value: string): boolean {
  return ENV_REFERENCE.test(value);
}

/**
 * The value itself; for `env:NAME` the variable's value in `env`; for a value sealed at rest
 * (SecretBox) the secret inside, opened with the keys in `env`. Throws MissingSecretError naming
 * the variable when it is unset or not one `env:` may read (see SECRET_PREFIX), or naming the key
 * id when a sealed value cannot be opened.
 *
 * @example
 * resolveSecret('env:OUTBOX_SECRET_SLACK_URL', process.env);
 */
export function resolveSecret(value: string, env: NodeJS.ProcessEnv): string {
  if (isSealed(value)) {
    try {
      return boxFor(env).open(value);
    } catch (error) {
      if (error instanceof SealedSecretError) throw new MissingSecretError(error.message);
      throw error;
    }
  }
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
 * A setting that may be given literally or as `env:NAME`, and is stored sealed when the engine
 * has a secret key; `literal` validates literal values only (an env reference is checked when
 * used, a sealed one was checked before it was sealed).
 */
export function secretOr<T extends z.ZodType<string>>(literal: T) {
  return z.string().refine((value) => isEnvReference(value) || isSealed(value) || literal.safeParse(value).success, {
    error: (issue) => {
      const result = literal.safeParse(issue.input);
      return result.success ? 'is invalid' : (result.error.issues[0]?.message ?? 'is invalid');
    },
  });
}
