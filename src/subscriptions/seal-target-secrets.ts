import { isSealed, type SecretBox } from '../secrets/secret-box.js';
import { isEnvReference } from '../targets/secret-reference.js';
import { targetKindNamed } from '../targets/target-registry.js';

/** How one secret setting is kept: sealed with a key, read from the worker's environment, or in clear (no key set). */
export type SecretStorage = 'encrypted' | 'environment' | 'clear';

/** A secret setting as reads show it: where it is and how it is kept, never its value. */
export interface MaskedSecret {
  /** Its path in the subscription, e.g. `target.config.headers.X-Api-Key`. */
  field: string;
  storage: SecretStorage;
}

type Visit = (value: string, field: string) => string;

/** Calls `visit` on every string at `path` (dot-separated, `*` for every key or item) and puts back what it returns. */
function mapPath(node: unknown, parts: string[], field: string, visit: Visit): unknown {
  if (parts.length === 0) return typeof node === 'string' ? visit(node, field) : node;
  if (node === null || typeof node !== 'object') return node;
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(node)) {
    return head === '*' ? node.map((item, index) => mapPath(item, rest, `${field}.${index}`, visit)) : node;
  }
  const object = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(object) : Object.hasOwn(object, head) ? [head] : [];
  const copy = { ...object };
  for (const key of keys) copy[key] = mapPath(object[key], rest, `${field}.${key}`, visit);
  return copy;
}

function mapSecrets(kind: string, config: unknown, visit: Visit): unknown {
  let result = config;
  for (const path of targetKindNamed(kind)?.secretPaths ?? []) result = mapPath(result, path.split('.'), 'target.config', visit);
  return result;
}

/**
 * The target's settings with each secret (the kind's `secretPaths`) sealed by `box`; `env:NAME`
 * references stay as they are (nothing secret is stored). Values already sealed are resealed
 * with the current key (a key rotation). Returns `refused` naming the first field given sealed
 * from outside: only the engine writes sealed values.
 *
 * @example
 * const { config } = sealTargetSecrets('webhook', { url, secret: 'whsec_…' }, box, { fromInput: true });
 */
export function sealTargetSecrets(kind: string, config: unknown, box: SecretBox, options: { fromInput: boolean }): { config: unknown; refused?: string } {
  let refused: string | undefined;
  const sealed = mapSecrets(kind, config, (value, field) => {
    if (isEnvReference(value)) return value;
    if (isSealed(value)) {
      if (options.fromInput) refused ??= field;
      return box.needsResealing(value) ? box.seal(box.open(value)) : value;
    }
    return box.seal(value);
  });
  return refused === undefined ? { config: sealed } : { config, refused };
}

/**
 * Every secret setting of a stored target, masked: its field and how it is kept.
 *
 * @example
 * maskedSecrets('webhook', row.target_config); // [{ field: 'target.config.secret', storage: 'encrypted' }, …]
 */
export function maskedSecrets(kind: string, config: unknown): MaskedSecret[] {
  const found: MaskedSecret[] = [];
  mapSecrets(kind, config, (value, field) => {
    found.push({ field, storage: isEnvReference(value) ? 'environment' : isSealed(value) ? 'encrypted' : 'clear' });
    return value;
  });
  return found;
}
