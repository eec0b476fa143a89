/**
 * The secrets room: subscription secrets encrypted at rest. A SecretBox seals a value (a webhook
 * signing secret, a secret header, a broker password, a client key) before it is written to
 * PostgreSQL, and opens it in the worker that sends with it. It imports no other room;
 * subscriptions/ seals with it, targets/ opens with it, temporal/ parses its payload keys here.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseEncryptionKeys, type EncryptionKeys } from './encryption-keys.js';

/** How a sealed value starts: `sealed:v1:<key id>:<base64 of iv, ciphertext and tag>`. */
const SEALED = /^sealed:v1:([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9+/]+={0,2})$/;
/** Binds a ciphertext to its use: a sealed secret cannot be passed off as something else. */
const ASSOCIATED_DATA = Buffer.from('outbox subscription secret v1');

/** A sealed value names a key this process does not have, or does not verify. The key id is named, never a key. */
export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
}

/** True for a value written by {@link SecretBox.seal}. */
export function isSealed(value: string): boolean {
  return value.startsWith('sealed:v1:');
}

/**
 * Seals and opens secrets with AES-256-GCM under the keys of OUTBOX_SECRET_KEYS (or, when that is
 * unset, OUTBOX_PAYLOAD_KEYS): the first key seals, every listed key opens, so a key is rotated
 * by listing a new one first and running `outbox secrets reseal`. Without keys, `seal` returns
 * the value as it is (stored in clear, which `outbox status` reports) and `open` refuses sealed
 * values.
 *
 * @example
 * const box = SecretBox.fromEnv(process.env);
 * const stored = box.seal('whsec_…'); // 'sealed:v1:k1:…'
 * box.open(stored); // 'whsec_…'
 */
export class SecretBox {
  constructor(private readonly keys: EncryptionKeys | undefined) {}

  /** The box for OUTBOX_SECRET_KEYS, else OUTBOX_PAYLOAD_KEYS, else none (values stay in clear). */
  static fromEnv(env: NodeJS.ProcessEnv): SecretBox {
    const value = env.OUTBOX_SECRET_KEYS || env.OUTBOX_PAYLOAD_KEYS;
    return new SecretBox(value ? parseEncryptionKeys(value) : undefined);
  }

  /** Where secrets are kept: `encrypted` with the key named, or `clear` when no key is set. */
  get storage(): { encrypted: true; keyId: string } | { encrypted: false } {
    return this.keys ? { encrypted: true, keyId: this.keys.current } : { encrypted: false };
  }

  /** The value sealed with the current key; as it is when there is no key. */
  seal(value: string): string {
    if (!this.keys) return value;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.keys.get(this.keys.current)!, iv);
    cipher.setAAD(ASSOCIATED_DATA);
    const data = Buffer.concat([iv, cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `sealed:v1:${this.keys.current}:${data.toString('base64')}`;
  }

  /** True when the value is sealed with a key other than the current one (or is in clear while a key is set). */
  needsResealing(value: string): boolean {
    if (!this.keys) return false;
    return SEALED.exec(value)?.[1] !== this.keys.current;
  }

  /** The secret inside a sealed value; any other value as it is. Throws SealedSecretError naming the key id. */
  open(value: string): string {
    if (!isSealed(value)) return value;
    const match = SEALED.exec(value);
    if (!match) throw new SealedSecretError('a sealed secret is malformed; set the secret again');
    const [, keyId, body] = match;
    const key = this.keys?.keys.get(keyId!);
    if (!key) {
      throw new SealedSecretError(
        `a secret is sealed with key ${keyId}, which this process does not have: list it in OUTBOX_SECRET_KEYS (or OUTBOX_PAYLOAD_KEYS), then retry`,
      );
    }
    const data = Buffer.from(body!, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAAD(ASSOCIATED_DATA);
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedSecretError(`a secret sealed with key ${keyId} does not verify (another key with the same id?); set the secret again`);
    }
  }
}
