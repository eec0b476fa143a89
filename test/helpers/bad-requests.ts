// Generated malformed HTTP/1.1 requests for the engine's port: bad request lines, headers and
// bodies aimed at every route. Seeded, so a failing case can be reproduced by its index.

/** mulberry32: a small seeded PRNG, enough to make the same cases every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ROUTES = ['/healthz', '/readyz', '/metrics', '/codec/decode', '/codec/encode', '/v1/stream', '/nope', '/', '*'];
const METHODS = ['GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'CONNECT', 'TRACE', 'BREW', 'get', 'G\x00T', ''];
const TARGETS = [
  'http://a:99999/',
  'http://[::1/healthz',
  'http://%zz/',
  'https://user:pass@:0/metrics',
  '//evil/healthz',
  '/healthz?%',
  '/v1/stream?tenant=acme&lastEventId=99999999999999999999999',
  '/v1/stream?tenant=%00&token=x',
  '/v1/stream?tenant=acme&channel=' + 'c'.repeat(300),
  '/codec/decode?' + '&'.repeat(2_000),
  '/' + '%'.repeat(50),
  '/\u00ff\u00fe',
  '/' + 'a'.repeat(20_000),
  'healthz',
  '',
];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1 extra', 'FTP/1.0', ''];
const HEADERS = [
  'Host: x',
  'Host:',
  'Host: a:99999',
  'Content-Length: -1',
  'Content-Length: 10, 20',
  'Content-Length: 99999999999999999999',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked, identity',
  'Authorization: Bearer codec-token-for-the-fuzz-test',
  'Authorization: Bearer ' + 'x'.repeat(5_000),
  'Content-Type: application/json',
  'Last-Event-ID: 18446744073709551616',
  'Last-Event-ID: -5',
  'Origin: null',
  'X-Bad\x01Name: 1',
  'X-Bad-Value: a\x00b',
  ' Leading-Space: 1',
  'NoColon',
  'X-Big: ' + 'y'.repeat(20_000),
  'Expect: 100-continue',
  'Connection: upgrade',
  'Upgrade: websocket',
];
const BODIES = [
  '',
  '{',
  '{"payloads": 5}',
  '{"payloads": [{"metadata": {"encoding": "!!!"}, "data": "%%%"}]}',
  '{"payloads": [{"metadata": {"encoding": "YmluYXJ5L2VuY3J5cHRlZA=="}, "data": "AAAA"}]}',
  '{"payloads": [null, 1, "x"]}',
  'zz\r\nnot a chunk\r\n',
  '5\r\nhello\r\n0\r\n\r\n',
  'ffffffffffffffff\r\n',
  '\x00'.repeat(512),
  '[' + '['.repeat(5_000),
];

/**
 * `count` malformed (or merely odd) requests as raw bytes. Mixes a random request line, 0–6
 * headers and a body, with now and then a truncated message or bare garbage.
 *
 * @example
 * for (const bytes of generateBadRequests({ seed: 1, count: 100 })) socket.write(bytes);
 */
export function generateBadRequests(options: { seed: number; count: number }): Buffer[] {
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const cases: Buffer[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const roll = random();
    if (roll < 0.05) {
      // Bytes that are not HTTP at all.
      cases.push(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256))));
      continue;
    }
    const target = random() < 0.5 ? pick(ROUTES) : pick(TARGETS);
    const lines = [`${pick(METHODS)} ${target} ${random() < 0.8 ? 'HTTP/1.1' : pick(VERSIONS)}`];
    const headerCount = Math.floor(random() * 7);
    for (let header = 0; header < headerCount; header += 1) lines.push(pick(HEADERS));
    const body = pick(BODIES);
    if (random() < 0.5 && body) lines.push(`Content-Length: ${random() < 0.7 ? Buffer.byteLength(body) : Math.floor(random() * 100)}`);
    let message = `${lines.join(random() < 0.9 ? '\r\n' : '\n')}\r\n\r\n${body}`;
    // Now and then cut the message short: the server must time it out, not wait forever.
    if (random() < 0.1) message = message.slice(0, Math.floor(random() * message.length));
    cases.push(Buffer.from(message, 'latin1'));
  }
  return cases;
}
