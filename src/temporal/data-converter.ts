import type { DataConverter } from '@temporalio/common';
import type { EngineConfig } from '../config/load-config.js';
import { EncryptionCodec } from './encryption-codec.js';

/**
 * The data converter every Temporal client and worker of the engine uses: payloads encrypted
 * when OUTBOX_PAYLOAD_KEYS is set, the SDK's default otherwise. Spread into client or worker
 * options.
 *
 * @example
 * const client = new Client({ connection, ...dataConverterFor(config) });
 */
export function dataConverterFor(config: Pick<EngineConfig, 'payloadKeys'>): { dataConverter?: DataConverter } {
  return config.payloadKeys ? { dataConverter: { payloadCodecs: [new EncryptionCodec(config.payloadKeys)] } } : {};
}
