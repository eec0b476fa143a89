import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/**
 * The engine's HTTP endpoints: `/healthz` (the process answers) and `/readyz` (every check
 * passes; 503 with the failing checks otherwise).
 *
 * @example
 * const http = await startHttpServer({ host: '127.0.0.1', port: 8080, checks: [{ name: 'postgres', probe: () => pingDb() }] });
 */
export async function startHttpServer(options: {
  host: string;
  port: number;
  checks: ReadinessCheck[];
  routes?: Record<string, RouteHandler>;
}): Promise<EngineHttpServer> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://engine');
    const path = url.pathname;
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    const route = options.routes?.[path];
    // Routes answer their own methods (the codec endpoint takes POST); the built-in ones GET.
    if (!route && request.method !== 'GET' && request.method !== 'HEAD') return send(405, { error: 'use GET' });
    if (path === '/healthz') return send(200, { status: 'ok' });
    if (route) {
      route(request, response, url).catch(() => {
        if (!response.headersSent) send(500, { error: 'internal error; see the engine log' });
        else response.end();
      });
      return;
    }
    if (path === '/readyz') {
      void Promise.all(options.checks.map(runCheck)).then((checks) => {
        const ready = checks.every((check) => check.ok);
        send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      });
      return;
    }
    send(404, { error: `no route ${path}; try /healthz, /readyz, /metrics or /v1/stream` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
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
