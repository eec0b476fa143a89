/**
 * The management API: REST under `/v1`, described by OpenAPI 3.1 at `/v1/openapi.json` and
 * rendered at `/v1/docs` (assets served from this package, nothing from a CDN). Routes are
 * declared with zod schemas (fastify-type-provider-zod), so validation, types and the
 * document come from one source. Every route but the documentation needs an API key
 * (authenticate-request.ts); its queries run in the key's scope (scoped-transaction.ts).
 * Errors are RFC 9457 problem documents (api/http-errors.ts).
 *
 * This folder may import the stores (subscriptions/, outbox/, dead-letters/) and engine/'s
 * HTTP errors; nothing outside engine/ imports it.
 */
import type { SecretBox } from '../secrets/secret-box.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { AdmissionWindow } from '../outbox/admission-window.js';
import type { TargetUrlCheck } from '../egress/check-target-url.js';
import { HttpProblem } from './http-errors.js';
import { authenticateRequest } from './authenticate-request.js';
import { honourIdempotencyKeys } from './idempotent-post.js';
import './raw-body.js';
import { finishDocument } from './openapi-document.js';
import { ENGINE_VERSION } from '../config/engine-version.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth.js';
import { refuseCrossSite } from './refuse-cross-site.js';
import { consoleRoutes, type TemporalUiLink } from './routes/console-routes.js';
import { deadLetterRoutes } from './routes/dead-letter-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { eventTypeRoutes } from './routes/event-type-routes.js';
import { replayRoutes } from './routes/replay-routes.js';
import { routingRoutes } from './routes/routing-routes.js';
import { statusRoutes } from './routes/status-routes.js';
import { subscriptionActionRoutes } from './routes/subscription-action-routes.js';
import { subscriptionRoutes } from './routes/subscription-routes.js';
import { tenantLimitRoutes } from './routes/tenant-limit-routes.js';
import { tenantPermissionRoutes } from './routes/tenant-permission-routes.js';
import { testSendRoutes } from './routes/test-send-routes.js';
import { signingKeyRoutes } from './routes/signing-key-routes.js';

export interface ManagementApiOptions {
  db: Kysely<Database>;
  tenantWindow: AdmissionWindow;
  /** How new HTTP targets' URLs are checked (private addresses); the engine's egress policy. */
  urlCheck?: TargetUrlCheck;
  /** Seals subscription secrets before they are stored (OUTBOX_SECRET_KEYS); the keys in process.env when absent. */
  secrets?: SecretBox;
  /** Signals dead letters' workflows (retry, discard); without it those actions answer 503. */
  temporal: Client | undefined;
  /** Where replayed events' workflows start (this installation's queue); without it replay answers 503. */
  replay: { installationId: string; taskQueue: string; deadLetterHoldMs: number; searchAttributes?: () => boolean } | undefined;
  /** Where the console links workflows to (GET /v1/me); none when the engine does not know the UI. */
  temporalUi?: TemporalUiLink;
  /** The console's public address for portal links (OUTBOX_CONSOLE_URL, else the engine's own address); a relative /console/ when absent. */
  consoleUrl?: string;
  /** The API's version in the document (the package version). */
  version?: string;
}

/** Largest request body under /v1. */
export const API_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * The management API as a plug-in for the engine's HTTP server (startHttpServer's `plugins`).
 *
 * @example
 * await startHttpServer({ host, port, checks, logger, plugins: [managementApi({ db, tenantWindow })] });
 * // curl -H "Authorization: Bearer $OUTBOX_API_KEY" http://127.0.0.1:8080/v1/subscriptions
 */
export function managementApi(options: ManagementApiOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (api) => {
      api.addHook('onRoute', (route) => {
        route.bodyLimit ??= API_BODY_LIMIT_BYTES;
      });
      // An action without options may come with an empty JSON body (clients send the header anyway).
      api.removeContentTypeParser('application/json');
      api.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
        if (body === '') return done(null, undefined);
        if (jsonDepthExceeds(body as string)) {
          return done(
            new HttpProblem(400, 'Invalid JSON', `The body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels; send a flatter document.`),
            undefined,
          );
        }
        try {
          request.jsonBody = JSON.parse(body as string);
          done(null, request.jsonBody);
        } catch {
          done(new HttpProblem(400, 'Invalid JSON', 'The body is not valid JSON; send a JSON object, e.g. {"events": "order.*", …}.'), undefined);
        }
      });
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler);
      await api.register(swagger, {
        openapi: {
          openapi: '3.1.0',
          info: {
            title: 'outbox-temporal management API',
            version: options.version ?? ENGINE_VERSION,
            description:
              'Subscriptions, status and more of an outbox-temporal installation. Send `Authorization: Bearer <API key>` (`outbox api-keys create`). Errors are RFC 9457 problem documents (`application/problem+json`); lists page with `limit` and `cursor`; POSTs honour `Idempotency-Key`.',
          },
          components: {
            securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key from `outbox api-keys create --operator` or `--tenant T`' } },
          },
          security: [{ apiKey: [] }],
        },
        transform: jsonSchemaTransform,
        transformObject: (input) => finishDocument(jsonSchemaTransformObject(input)),
      });
      await api.register(swaggerUi, { routePrefix: '/v1/docs', staticCSP: true });
      api.get('/v1/openapi.json', { schema: { hide: true } }, () => api.swagger());
      // Answers hold tenants' data and are per key: no cache (a browser's, or a proxy's) keeps them.
      api.addHook('onSend', async (_request, reply, payload) => {
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
        return payload;
      });
      api.addHook('onRequest', refuseCrossSite);
      api.addHook('onRequest', authenticateRequest(options.db));
      honourIdempotencyKeys(api, options.db);
      subscriptionRoutes(options)(api);
      subscriptionActionRoutes(options)(api);
      testSendRoutes(options)(api);
      eventRoutes(options)(api);
      deadLetterRoutes(options)(api);
      replayRoutes(options)(api);
      tenantLimitRoutes(options)(api);
      tenantPermissionRoutes(options)(api);
      routingRoutes(options)(api);
      eventTypeRoutes(options)(api);
      signingKeyRoutes(options)(api);
      statusRoutes(options)(api);
      consoleRoutes(options)(api);
    });
  };
}
