import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { EncryptionKeys } from '../secrets/encryption-keys.js';

// A CommonJS module: its namespaces come through the default export under ESM.
const { temporal } = proto;

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export { parseEncryptionKeys, type EncryptionKeys } from '../secrets/encryption-keys.js';

/** A payload names a key this engine does not have, or its ciphertext does not verify. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

/**
 * A Temporal payload codec: every payload (workflow inputs and results, activity inputs and
 * results, signals, queries, memo) is AES-256-GCM encrypted with the current key before it
 * reaches the server, the key id in its metadata; payloads encrypted with any listed key, and
 * plain ones from before encryption was turned on, are decoded. Search attributes are not
 * payloads the codec sees: they stay readable for the Temporal UI's filters.
 *
 * @example
 * const codec = new EncryptionCodec(parseEncryptionKeys(process.env.OUTBOX_PAYLOAD_KEYS!));
 * const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: EncryptionKeys) {}

  // async: a failure rejects the promise rather than throwing at the caller.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.keys.get(this.keys.current)!;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: encoder.encode(ENCODING), [KEY_ID]: encoder.encode(this.keys.current) }, data };
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!payload.metadata || decoder.decode(payload.metadata.encoding ?? new Uint8Array()) !== ENCODING) return payload;
      const id = decoder.decode(payload.metadata[KEY_ID] ?? new Uint8Array());
      const key = this.keys.keys.get(id);
      if (!key)
        throw new PayloadDecryptionError(
          `payload encrypted with key "${id}", which is not in OUTBOX_PAYLOAD_KEYS; add it back (rotation keeps old keys listed)`,
        );
      const data = Buffer.from(payload.data ?? new Uint8Array());
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      } catch {
        throw new PayloadDecryptionError(`payload encrypted with key "${id}" did not verify; is the key material right?`);
      }
    });
  }
}
