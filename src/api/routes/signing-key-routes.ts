import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { publishedSigningKeys, SIGNING_KEY_CACHE_MS } from '../../targets/webhook/signing-key-ring.js';
import { problemResponses } from '../api-schemas.js';

const signingKeySchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
    kid: z.string().describe('the key id'),
    x: z.string().describe('the raw 32-byte public key, base64url (RFC 8037)'),
    whpk: z.string().describe('the same key as Standard Webhooks writes it: whpk_ + base64'),
    createdAt: z.string(),
    expiresAt: z.string().nullable().describe('when a rotated key stops signing and leaves this list; null for the current key'),
  })
  .meta({ id: 'SigningKey' });

/**
 * `GET /v1/signing-keys`: the public keys of the engine's ed25519 webhook signatures (`v1a`), as
 * a JWKS. Public (no key: receivers fetch it) and cacheable for as long as a worker caches them.
 */
export function signingKeyRoutes(deps: { db: Kysely<Database> }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/v1/signing-keys',
      {
        schema: {
          tags: ['signing keys'],
          summary: 'Public keys that verify v1a (ed25519) webhook signatures',
          description:
            'A JWKS of the current key and of rotated keys still in their grace period (deliveries then carry a signature from each). Needs no API key; cache it for up to 5 minutes.',
          security: [],
          response: { 200: z.object({ keys: z.array(signingKeySchema) }).meta({ id: 'SigningKeys' }), ...problemResponses },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', `public, max-age=${Math.floor((10 * SIGNING_KEY_CACHE_MS) / 1000)}`);
        return publishedSigningKeys(deps.db);
      },
    );
  };
}
