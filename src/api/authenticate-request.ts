import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { HttpProblem, requestPath } from './http-errors.js';
import { authenticateApiKey, type ApiPrincipal } from './api-key-store.js';
import { checkPortalToken, isPortalToken } from './portal-links.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authenticateRequest for every /v1 route but the documentation. */
    principal?: ApiPrincipal;
  }
}

/** Routes anyone may read: the API's own documentation, and the public keys receivers verify v1a signatures with. */
const PUBLIC = /^\/v1\/(openapi\.json|docs|signing-keys)(\/|$)/;

/**
 * The `onRequest` hook of the management API: `Authorization: Bearer <API key or portal link
 * token>` or 401. The key is never logged, and a wrong key answers exactly as a missing one; an
 * expired portal link says so, so the console can tell its user to ask for a new one.
 *
 * @example
 * api.addHook('onRequest', authenticateRequest(db));
 */
export function authenticateRequest(db: Kysely<Database>) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (PUBLIC.test(requestPath(request))) return;
    const bearer = /^Bearer ([^\s]+)$/.exec(request.headers.authorization ?? '')?.[1];
    let principal: ApiPrincipal | undefined;
    if (bearer && isPortalToken(bearer)) {
      const check = await checkPortalToken(db, bearer);
      if (!check.valid && check.revokedAt) {
        throw new HttpProblem(
          401,
          'Portal link revoked',
          `This portal link was revoked at ${check.revokedAt.toISOString()}. Ask for a new one (\`outbox portal-link --tenant T\` or POST /v1/portal-links).`,
        );
      }
      if (!check.valid && check.expiredAt) {
        throw new HttpProblem(
          401,
          'Portal link expired',
          `This portal link expired at ${check.expiredAt.toISOString()}. Ask for a new one (\`outbox portal-link --tenant T\` or POST /v1/portal-links).`,
        );
      }
      if (check.valid) principal = check.principal;
    } else if (bearer) {
      principal = await authenticateApiKey(db, bearer);
    }
    if (!principal) {
      throw new HttpProblem(
        401,
        'Unauthorized',
        'Send Authorization: Bearer <API key>; create a key with `outbox api-keys create --operator` or `--tenant T`.',
      );
    }
    request.principal = principal;
  };
}

/** The request's principal (set by authenticateRequest). */
export function principalOf(request: FastifyRequest): ApiPrincipal {
  if (!request.principal) throw new HttpProblem(401, 'Unauthorized', 'Send Authorization: Bearer <API key>.');
  return request.principal;
}

/** Refuses a tenant key an operator's action: 403, saying who may. */
export function requireOperator(request: FastifyRequest, what: string): void {
  if (principalOf(request).scope !== 'operator') throw new HttpProblem(403, 'Forbidden', `${what} needs an operator key; this key belongs to one tenant.`);
}

/** How the audit names a principal: `portal-link:<id>` or `api-key:<id>`. */
export function actorOf(principal: ApiPrincipal): string {
  return principal.scope === 'tenant' && principal.portalLink ? `portal-link:${principal.portalLink.id}` : `api-key:${principal.keyId}`;
}
