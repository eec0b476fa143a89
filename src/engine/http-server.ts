import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** One readiness check: a name and a probe that resolves (ready) or throws (not ready, with why). */
export interface ReadinessCheck {
  name: string;
  probe: () => Promise<void> | void;
}

/** A GET route the engine adds (e.g. the realtime stream); it owns the response. */
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

/**
 * The engine's HTTP endpoints: `/healthz` (the process answers) and `/readyz` (every check
 * passes; 503 with the failing checks otherwise), plus the routes the engine adds. The port is
 * unauthenticated, so nothing a client sends may stop the process: malformed requests get 400,
 * a handler that throws gets 500 (and is logged), slow or endless clients are timed out.
 *
 * @example
 * const http = await startHttpServer({ host: '127.0.0.1', port: 8080, logger, checks: [{ name: 'postgres', probe: () => pingDb() }] });
 */
export async function startHttpServer(options: {
  host: string;
  port: number;
  checks: ReadinessCheck[];
  routes?: Record<string, RouteHandler>;
  logger: Logger;
  limits?: Partial<HttpLimits>;
}): Promise<EngineHttpServer> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const server = createServer({ headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs }, (request, response) => {
    // A response whose client went away must not raise an unhandled 'error'.
    response.on('error', () => undefined);
    const send = (status: number, body: unknown) => {
      if (response.headersSent) return void response.end();
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    const failed = (error: unknown) => {
      options.logger.error({ err: error, path: request.url?.slice(0, 200) }, 'HTTP handler failed; answered 500');
      send(500, { error: 'internal error; see the engine log' });
    };
    try {
      const url = requestUrl(request);
      if (!url) return send(400, { error: 'the request target is not a valid URL; send a path such as /healthz' });
      const path = url.pathname;
      const route = options.routes?.[path];
      // Routes answer their own methods (the codec endpoint takes POST); the built-in ones GET.
      if (!route && request.method !== 'GET' && request.method !== 'HEAD') return send(405, { error: 'use GET' });
      if (path === '/healthz') return send(200, { status: 'ok' });
      if (route) return void Promise.resolve().then(() => route(request, response, url)).catch(failed);
      if (path === '/readyz') {
        void Promise.all(options.checks.map(runCheck))
          .then((checks) => {
            const ready = checks.every((check) => check.ok);
            send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
          })
          .catch(failed);
        return;
      }
      send(404, { error: `no route ${path}; try /healthz, /readyz, /metrics or /v1/stream` });
    } catch (error) {
      failed(error);
    }
  });
  server.maxConnections = limits.maxConnections;
  // Requests Node's parser refuses (bad request line, headers, sizes, timeouts) end here, not in a crash.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, what] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? ['408 Request Timeout', 'the request took too long to arrive']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? ['431 Request Header Fields Too Large', 'the request headers are too large']
          : ['400 Bad Request', 'the request is not valid HTTP/1.1'];
    const body = JSON.stringify({ error: what });
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  // After start-up, a server error (e.g. too many open files) is logged, never thrown.
  server.on('error', (error) => options.logger.error({ err: error }, 'HTTP server error'));
  return {
    server,
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
