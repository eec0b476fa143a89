// Verifies a Standard Webhooks asymmetric signature (v1a, ed25519) with the public keys the
// engine publishes at GET /v1/signing-keys, and nothing else: no shared secret.
//   import { verifyV1a } from './verify-v1a.mjs';
//   const jwks = await (await fetch('https://outbox.example.com/v1/signing-keys')).json(); // cache it
//   verifyV1a(jwks, request.headers, rawBody); // throws unless one signature verifies
import { createPublicKey, verify } from 'node:crypto';

const TOLERANCE_SECONDS = 5 * 60;

/** Throws unless a `v1a` signature of the request verifies with one of the JWKS's keys and its timestamp is recent. */
export function verifyV1a(jwks, headers, body, now = Date.now()) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = String(headers['webhook-signature'] ?? '').split(' ');
  if (!id || !timestamp) throw new Error('missing webhook-id or webhook-timestamp');
  if (Math.abs(now / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) throw new Error('webhook-timestamp too far from now');
  const signed = Buffer.from(`${id}.${timestamp}.${body}`);
  const keys = jwks.keys.filter((key) => key.crv === 'Ed25519').map((key) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.x }, format: 'jwk' }));
  for (const signature of signatures) {
    const [version, value] = signature.split(',');
    if (version !== 'v1a' || !value) continue;
    if (keys.some((key) => verify(null, signed, key, Buffer.from(value, 'base64')))) return;
  }
  throw new Error('no v1a signature verifies with the published keys');
}
