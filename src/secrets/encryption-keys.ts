// The engine's AES-256 keys as operators give them (OUTBOX_PAYLOAD_KEYS, OUTBOX_SECRET_KEYS):
// `id:base64key[,id:base64key…]`, the first one encrypting, every one decrypting.

/** Keys by id; the first is used to encrypt, every one is accepted to decrypt (rotation). */
export interface EncryptionKeys {
  current: string;
  keys: Map<string, Buffer>;
}

/**
 * Parses OUTBOX_PAYLOAD_KEYS: `id:base64key[,id:base64key…]`, each key 32 bytes (AES-256).
 * Errors name the key id, never the key.
 *
 * @example
 * parseEncryptionKeys(`k2:${newKey},k1:${oldKey}`); // encrypts with k2, decrypts k2 and k1
 */
export function parseEncryptionKeys(value: string): EncryptionKeys {
  const keys = new Map<string, Buffer>();
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    if (separator < 1 || !/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw new Error('each key must be id:base64 (id: 1-64 letters, digits, "_", "." or "-")');
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes of base64 (e.g. openssl rand -base64 32), got ${key.length}`);
    if (keys.has(id)) throw new Error(`key ${id} is listed twice`);
    keys.set(id, key);
  }
  const current = keys.keys().next().value;
  if (current === undefined) throw new Error('no key given');
  return { current, keys };
}
