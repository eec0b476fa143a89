import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { createRemoteJWKSet, jwtVerify } from 'jose';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (payload: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value, 'base64')])),
  data: Buffer.from(payload.data ?? '', 'base64'),
});
const toJson = (payload: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

/**
 * Largest request body the codec endpoint reads. The UI sends one history event's payloads per
 * request; outbox payloads are ids (the event body stays in PostgreSQL), so 8 MiB is ample.
 */
export const MAX_CODEC_BODY_BYTES = 8 * 1024 * 1024;

/** The request body as text, or undefined once it passes `limit` bytes (declared or sent). */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  if (Number(request.headers['content-length'] ?? 0) > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Who may decode: the static token, and/or access tokens signed by a JWKS's keys. */
export interface CodecEndpointOptions {
  codec: PayloadCodec | undefined;
  /** OUTBOX_CODEC_TOKEN: `Authorization: Bearer <token>` (the CLI's --codec-auth, a self-hosted UI). */
  token: string | undefined;
  allowedOrigins: string[];
  /**
   * OUTBOX_CODEC_JWKS_URL: accept a bearer JWT signed by a key of this JWKS, e.g. the user's
   * access token the Temporal Cloud UI passes ("Pass the user access token"), verified against
   * Temporal Cloud's keys.
   */
  jwksUrl?: string | undefined;
  /** OUTBOX_CODEC_JWT_AUDIENCE and OUTBOX_CODEC_JWT_ISSUER: what the token must say, when set. */
  jwtAudience?: string | undefined;
  jwtIssuer?: string | undefined;
}

/**
 * The Temporal codec server protocol at `/codec/decode` and `/codec/encode`, so authorised
 * operators see decrypted payloads in the Temporal UI (Settings → Codec Server:
 * `http://engine:8080/codec`) and CLI (`temporal workflow show --codec-endpoint … --codec-auth
 * 'Bearer TOKEN'`). Requires `Authorization: Bearer OUTBOX_CODEC_TOKEN`, or an access token
 * signed by a key of OUTBOX_CODEC_JWKS_URL (the Temporal Cloud UI's); browsers need their
 * origin in OUTBOX_CODEC_ALLOWED_ORIGINS.
 *
 * @example
 * routes['/codec/decode'] = codecEndpoint({ codec, token, allowedOrigins: ['http://localhost:8233'] });
 */
export function codecEndpoint(options: CodecEndpointOptions) {
  // Keys fetched from the JWKS on first use and when a token names an unknown key (jose caches them).
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  const authorised = async (authorization: string): Promise<boolean> => {
    if (!authorization.startsWith('Bearer ')) return false;
    const bearer = authorization.slice(7);
    if (options.token && sameToken(bearer, options.token)) return true;
    if (!jwks) return false;
    try {
      await jwtVerify(bearer, jwks, { ...(options.jwtAudience && { audience: options.jwtAudience }), ...(options.jwtIssuer && { issuer: options.jwtIssuer }) });
      return true;
    } catch {
      return false;
    }
  };
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin && (options.allowedOrigins.includes('*') || options.allowedOrigins.includes(origin))
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-headers': 'authorization, content-type, x-namespace',
            'access-control-allow-methods': 'POST, OPTIONS',
            // The Cloud UI's "Include cross-origin credentials" sends cookies: allowed for listed origins only.
            'access-control-allow-credentials': 'true',
            vary: 'origin',
          }
        : {};
    const send = (status: number, body: unknown): void =>
      void response.writeHead(status, { 'content-type': 'application/json', ...cors }).end(JSON.stringify(body));
    if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end();
    if (request.method !== 'POST') return send(405, { error: 'use POST with {"payloads": [...]}' });
    if (!options.codec) return send(503, { error: 'payload encryption is off: set OUTBOX_PAYLOAD_KEYS on the engine' });
    if (!options.token && !jwks) return send(503, { error: 'the codec endpoint is off: set OUTBOX_CODEC_TOKEN (or OUTBOX_CODEC_JWKS_URL) on the engine' });
    if (!(await authorised(request.headers.authorization ?? '')))
      return send(401, { error: 'send Authorization: Bearer <OUTBOX_CODEC_TOKEN>, or an access token signed by a key of OUTBOX_CODEC_JWKS_URL' });
    const text = await readBody(request, MAX_CODEC_BODY_BYTES);
    if (text === undefined) {
      send(413, { error: `the body is above ${MAX_CODEC_BODY_BYTES} bytes; send fewer payloads per request` });
      return void request.destroy();
    }
    let body: { payloads?: unknown };
    try {
      body = JSON.parse(text) as { payloads?: unknown };
    } catch {
      return send(400, { error: 'body must be JSON: {"payloads": [...]}' });
    }
    if (body === null || typeof body !== 'object' || (body.payloads !== undefined && !Array.isArray(body.payloads))) {
      return send(400, { error: 'payloads must be an array: {"payloads": [{"metadata": {...}, "data": "..."}]}' });
    }
    if ((body.payloads ?? []).some((payload: unknown) => payload === null || typeof payload !== 'object')) {
      return send(400, { error: 'every item of payloads must be an object with metadata and data' });
    }
    try {
      const payloads = ((body.payloads ?? []) as JsonPayload[]).map(fromJson);
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
