// The loopback HTTP sink every system delivers to: records when each event id first arrived.
import { createServer } from 'node:http';

/** `delayMs`: answer that much later (a slow endpoint); a delay longer than the client's timeout never answers in time. */
export async function startSink({ delayMs = 0 } = {}) {
  const firstArrival = new Map();
  let requests = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      // The engine's webhook-id is outbox:<installation>:<tenant>:<key>; the peers' handlers send the key as x-bench-id.
      const messageId = request.headers['webhook-id'];
      const id = messageId ? (/^outbox:[a-z0-9-]+:[^:]+:(.+)$/.exec(messageId)?.[1] ?? messageId) : request.headers['x-bench-id'];
      if (id && !firstArrival.has(id)) firstArrival.set(id, Date.now());
      if (delayMs > 0) setTimeout(() => response.destroyed || response.writeHead(204).end(), delayMs).unref();
      else response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    firstArrival,
    get requests() {
      return requests;
    },
    reset() {
      firstArrival.clear();
      requests = 0;
    },
    stop: () => new Promise((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}
