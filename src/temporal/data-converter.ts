/**
 * The temporal room: what the engine needs of Temporal besides the SDK: payload encryption
 * and its codec endpoint, search attributes, and the dev server (found, built, started). May
 * import workflows/ (search attribute declarations).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, type EncryptionKeys } from './encryption-codec.js';

/**
 * The module that encodes failure messages (see encoding-failure-converter.ts). The SDK loads it
 * by path; from the sources (tests run TypeScript directly) that is the built copy in dist/.
 */
function encodingFailureConverterPath(): string {
  const beside = fileURLToPath(new URL('./encoding-failure-converter.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/temporal/encoding-failure-converter.js', import.meta.url));
}

/**
 * The data converter every Temporal client and worker of the engine uses: with
 * OUTBOX_PAYLOAD_KEYS set, payloads are encrypted and so are failure messages and stack traces
 * (they may quote a target's answer); the SDK's default otherwise. Spread into client or worker
 * options.
 *
 * @example
 * const client = new Client({ connection, ...dataConverterFor(config) });
 */
export function dataConverterFor(config: { payloadKeys?: EncryptionKeys | undefined }): { dataConverter?: DataConverter } {
  if (!config.payloadKeys) return {};
  return { dataConverter: { payloadCodecs: [new EncryptionCodec(config.payloadKeys)], failureConverterPath: encodingFailureConverterPath() } };
}
