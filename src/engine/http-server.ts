import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { answerError, answerNotFound } from '../api/http-errors.js';

/** One readiness check: a name and a probe that resolves (ready) or throws (not ready, with why). */
export interface ReadinessCheck {
  name: string;
  probe: () => Promise<void> | void;
}

/** A route the engine adds that owns its response (the realtime stream, the codec endpoint). */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

export interface EngineHttpServer {
  server: Server;
  /** The bound address (the port is real even when 0 was asked for). */
  address: AddressInfo;
  close(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 3_000;

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(check.probe),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS}ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Limits that keep one client from holding the port; the engine's defaults suit a small host. */
export interface HttpLimits {
  /** Open connections at once (SSE clients included); more are refused by the OS accept queue. */
  maxConnections: number;
  /** Time for a client to send its request headers. */
  headersTimeoutMs: number;
  /** Time for a client to send its whole request (headers and body). */
  requestTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { maxConnections: 1_000, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/** Parses the request target; undefined when it is not a URL (e.g. `http://a:99999/`). */
function requestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? '/', 'http://engine');
  } catch {
    return undefined;
  }
}

/** Requests Node's parser refuses (bad request line, headers, sizes, timeouts) end here, not in a crash. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, what] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT'
      ? ['408 Request Timeout', 'the request took too long to arrive']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', 'the request headers are too large']
        : ['400 Bad Request', 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify({ error: what });
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/**
 * The engine's HTTP endpoints, on Fastify: `/healthz` (the process answers) and `/readyz`
 * (every check passes; 503 with the failing checks otherwise), the routes that own their
 * response (`routes`: the realtime stream, the codec endpoint), and plug-ins such as the
 * management API under `/v1` (`plugins`). Parts of the port are unauthenticated, so nothing a
 * client sends may stop the process: malformed requests get 400, a handler that throws gets
 * 500 (and is logged), slow or endless clients are timed out.
 *
 * @example
 * const http = await startHttpServer({ host: '127.0.0.1', port: 8080, logger, checks: [{ name: 'postgres', probe: () => pingDb() }] });
 */
export async function startHttpServer(options: {
  host: string;
  port: number;
  checks: ReadinessCheck[];
  routes?: Record<string, RouteHandler>;
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
  logger: Logger;
  limits?: Partial<HttpLimits>;
}): Promise<EngineHttpServer> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const app = Fastify({
    // Our own logger logs failures; Fastify's request log would write URLs (stream tokens) and headers.
    logger: false,
    serverFactory: (handler) => createServer({ headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs }, handler),
    clientErrorHandler: answerClientError,
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  app.setErrorHandler((error, request, reply) => answerError(error as FastifyError, request, reply, options.logger));
  app.setNotFoundHandler((request, reply) => answerNotFound(request, reply));
  // A request target that is not a URL never reaches a handler.
  app.addHook('onRequest', async (request, reply) => {
    if (!requestUrl(request.raw))
      await reply.code(400).header('cache-control', 'no-store').send({ error: 'the request target is not a valid URL; send a path such as /healthz' });
  });

  app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const checks = await Promise.all(options.checks.map(runCheck));
    const ready = checks.every((check) => check.ok);
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ready ? 'ready' : 'not ready', checks });
  });
  // Routes that own their response read the raw request, body included: no parser touches it.
  await app.register((raw, _options, done) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    for (const [path, route] of Object.entries(options.routes ?? {})) {
      raw.all(path, async (request, reply) => {
        reply.hijack();
        try {
          await route(request.raw, reply.raw, requestUrl(request.raw)!);
        } catch (error) {
          options.logger.error({ err: error, path: request.url.slice(0, 200) }, 'HTTP handler failed; answered 500');
          if (reply.raw.headersSent) return void reply.raw.end();
          reply.raw
            .writeHead(500, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(JSON.stringify({ error: 'internal error; see the engine log' }));
        }
      });
    }
    done();
  });
  for (const plugin of options.plugins ?? []) await app.register(plugin);

  await app.listen({ port: options.port, host: options.host });
  const server = app.server;
  server.maxConnections = limits.maxConnections;
  // After start-up, a server error (e.g. too many open files) is logged, never thrown.
  server.on('error', (error) => options.logger.error({ err: error }, 'HTTP server error'));
  return { server, address: server.address() as AddressInfo, close: () => app.close() };
}
