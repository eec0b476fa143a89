// The loopback endpoint of bench/actions-per-event.mjs: each path answers as one scenario needs.
import { once } from 'node:events';
import http from 'node:http';

/** The loopback endpoint: /ok answers 200; /fail-once 500 to each message's first request; /down 503 while `down`. */
export async function startScenarioSink() {
  const seen = new Set();
  const sink = { url: '', down: false, stop: () => new Promise((resolve) => server.close(resolve)) };
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const id = String(request.headers['webhook-id'] ?? '');
      let status = 200;
      if (request.url === '/fail-once' && !seen.has(id)) {
        seen.add(id);
        status = 500;
      } else if (request.url === '/down' && sink.down) status = 503;
      response.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  sink.url = `http://127.0.0.1:${server.address().port}`;
  return sink;
}
