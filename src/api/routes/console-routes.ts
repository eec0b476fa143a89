import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { readOverview } from '../../outbox/read-overview.js';
import { problemResponses, timestamp } from '../api-schemas.js';
import { actorOf, principalOf, requireOperator } from '../authenticate-request.js';
import { HttpProblem } from '../http-errors.js';
import { createPortalLink, MAX_PORTAL_LINK_SECONDS, revokePortalLinks } from '../portal-links.js';
import { inScope } from '../scoped-transaction.js';

/** Where the console links an event's workflow to: the Temporal UI, if the engine knows it. */
export interface TemporalUiLink {
  url: string;
  namespace: string;
}

const count = z.number().int();
const overviewSchema = z
  .object({
    pending: count,
    oldestPendingAgeSeconds: z.number().nullable(),
    openDeadLetters: count,
    lastHour: z.array(z.object({ minute: timestamp, delivered: count, failed: count, skipped: count })),
    successRate: z.number().nullable().describe('delivered over delivered + failed attempts in the last hour'),
    disabledSubscriptions: z.array(z.object({ id: z.string(), name: z.string(), reason: z.string().nullable() })),
    openBreakers: z.array(
      z.object({ subscription: z.string(), endpoint: z.string(), state: z.string(), failingSince: timestamp.nullable(), lastError: z.string().nullable() }),
    ),
    expiringCertificates: z
      .array(
        z.object({
          subscriptionId: z.string(),
          subscription: z.string(),
          tenant: z.string(),
          subject: z.string(),
          fingerprint: z.string(),
          expiresAt: timestamp,
        }),
      )
      .describe('client certificates (mTLS) that expire within 14 days or have expired, soonest first: renew them'),
  })
  .meta({ id: 'Overview' });

const portalLinkSchema = z
  .object({
    url: z
      .string()
      .describe('open it in a browser; the token travels in the fragment, so no server logs it (without the fragment in an Idempotency-Key replay)'),
    token: z.string().optional().describe('shown once: absent when the answer is an Idempotency-Key replay'),
    id: z.string().describe('the link id: the audit names it portal-link:<id>; revoke it with POST /v1/portal-links/revoke'),
    tenant: z.string(),
    expiresAt: timestamp,
  })
  .meta({ id: 'PortalLink' });

/**
 * What the web console needs besides the resources: who the caller is (`/v1/me`), the overview
 * (`/v1/overview`, in the caller's scope) and portal links for tenants (`/v1/portal-links`,
 * operators only). The console uses the API only; these routes are open to any client.
 */
export function consoleRoutes(deps: { db: Kysely<Database>; temporalUi?: TemporalUiLink; consoleUrl?: string }) {
  return (app: FastifyInstance): void => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['console'];

    api.get(
      '/v1/me',
      {
        schema: {
          tags,
          summary: 'Who this key is: its scope, its tenant, when a portal link expires, and where the Temporal UI is',
          response: {
            200: z
              .object({
                scope: z.enum(['operator', 'tenant']),
                tenant: z.string().nullable(),
                portalLinkExpiresAt: timestamp.nullable(),
                temporalUi: z.object({ url: z.string(), namespace: z.string() }).nullable(),
              })
              .meta({ id: 'Me' }),
            ...problemResponses,
          },
        },
      },
      (request) => {
        const principal = principalOf(request);
        return {
          scope: principal.scope,
          tenant: principal.scope === 'tenant' ? principal.tenant : null,
          portalLinkExpiresAt: (principal.scope === 'tenant' && principal.portalLink?.expiresAt) || null,
          temporalUi: deps.temporalUi ?? null,
        };
      },
    );

    api.get(
      '/v1/overview',
      {
        schema: {
          tags,
          summary: "Backlog, dead letters, the last hour of deliveries and endpoints in trouble, in the key's scope",
          response: { 200: overviewSchema, ...problemResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        return inScope(deps.db, principal, (trx) => readOverview(trx, deps.db, { endpointErrors: principal.scope === 'operator' }));
      },
    );

    api.post(
      '/v1/portal-links',
      {
        schema: {
          tags,
          summary: 'A signed, expiring link to the console for one tenant (as `outbox portal-link`)',
          body: z
            .object({
              tenant: z.string().min(1).max(128),
              expiresInSeconds: z.number().int().min(60).max(MAX_PORTAL_LINK_SECONDS).default(3600).describe('1 minute to 30 days; default 3600'),
            })
            .strict(),
          response: { 201: portalLinkSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        requireOperator(request, 'Making portal links');
        let link;
        try {
          link = await createPortalLink(deps.db, request.body);
        } catch (error) {
          const message = (error as Error).message;
          throw new HttpProblem(400, 'Invalid portal link', message, [{ field: `body.${message.split(':')[0]}`, message }]);
        }
        // The configured address only: a request's Host header is the client's to forge.
        const base = deps.consoleUrl ?? '/console/';
        reply.code(201);
        return { url: `${base}#portal=${link.token}`, token: link.token, id: link.id, tenant: link.tenant, expiresAt: link.expiresAt.toISOString() };
      },
    );

    api.post(
      '/v1/portal-links/revoke',
      {
        schema: {
          tags,
          summary: 'Revoke one portal link (by id), or every link of a tenant made until now',
          body: z
            .object({
              id: z.string().min(1).max(64).optional().describe('one link, by the id it was made with'),
              tenant: z.string().min(1).max(128).optional().describe('every link of this tenant made until now'),
            })
            .strict()
            .refine((body) => (body.id === undefined) !== (body.tenant === undefined), { error: 'give exactly one of id or tenant', path: ['id'] }),
          response: {
            200: z.object({ revokedAt: timestamp, id: z.string().optional(), tenant: z.string().optional() }).meta({ id: 'PortalLinkRevocation' }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireOperator(request, 'Revoking portal links');
        try {
          const which = request.body.id !== undefined ? { id: request.body.id } : { tenant: request.body.tenant! };
          const revokedAt = await revokePortalLinks(deps.db, which, actorOf(principalOf(request)));
          return { revokedAt: revokedAt.toISOString(), ...request.body };
        } catch (error) {
          const message = (error as Error).message;
          throw new HttpProblem(400, 'Invalid revocation', message, [{ field: `body.${message.split(':')[0]}`, message }]);
        }
      },
    );
  };
}
