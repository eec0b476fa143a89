import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (payload: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value, 'base64')])),
  data: Buffer.from(payload.data ?? '', 'base64'),
});
const toJson = (payload: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The Temporal codec server protocol at `/codec/decode` and `/codec/encode`, so authorised
 * operators see decrypted payloads in the Temporal UI (Settings → Codec Server:
 * `http://engine:8080/codec`) and CLI (`temporal workflow show --codec-endpoint … --codec-auth
 * 'Bearer TOKEN'`). Requires `Authorization: Bearer OUTBOX_CODEC_TOKEN`; browsers need their
 * origin in OUTBOX_CODEC_ALLOWED_ORIGINS.
 *
 * @example
 * routes['/codec/decode'] = codecEndpoint({ codec, token, allowedOrigins: ['http://localhost:8233'] });
 */
export function codecEndpoint(options: { codec: PayloadCodec | undefined; token: string | undefined; allowedOrigins: string[] }) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin && (options.allowedOrigins.includes('*') || options.allowedOrigins.includes(origin))
        ? { 'access-control-allow-origin': origin, 'access-control-allow-headers': 'authorization, content-type, x-namespace', 'access-control-allow-methods': 'POST, OPTIONS', vary: 'origin' }
        : {};
    const send = (status: number, body: unknown): void => void response.writeHead(status, { 'content-type': 'application/json', ...cors }).end(JSON.stringify(body));
    if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end();
    if (request.method !== 'POST') return send(405, { error: 'use POST with {"payloads": [...]}' });
    if (!options.codec) return send(503, { error: 'payload encryption is off: set OUTBOX_PAYLOAD_KEYS on the engine' });
    if (!options.token) return send(503, { error: 'the codec endpoint is off: set OUTBOX_CODEC_TOKEN on the engine' });
    const authorization = request.headers.authorization ?? '';
    if (!authorization.startsWith('Bearer ') || !sameToken(authorization.slice(7), options.token)) return send(401, { error: 'send Authorization: Bearer <OUTBOX_CODEC_TOKEN>' });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: { payloads?: JsonPayload[] };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payloads?: JsonPayload[] };
    } catch {
      return send(400, { error: 'body must be JSON: {"payloads": [...]}' });
    }
    try {
      const payloads = (body.payloads ?? []).map(fromJson);
      const result = url.pathname.endsWith('/encode') ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      send(200, { payloads: result.map(toJson) });
    } catch (error) {
      send(400, { error: (error as Error).message });
    }
  };
}

/**
 * `/codec/decode` and `/codec/encode`, both served by {@link codecEndpoint}.
 *
 * @example
 * const routes = { ...codecRoutes({ codec, token, allowedOrigins: [] }) };
 */
export function codecRoutes(options: Parameters<typeof codecEndpoint>[0]) {
  const handler = codecEndpoint(options);
  return { '/codec/decode': handler, '/codec/encode': handler };
}
