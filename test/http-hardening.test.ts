// The engine's HTTP port is unauthenticated and faces browsers, Prometheus and the Temporal UI:
// no request, however malformed, may take the engine (relay and worker included) down.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { freePort } from '../src/temporal/dev-server.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { generateBadRequests } from './helpers/bad-requests.js';
import { spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

/** Writes `bytes` on a fresh connection and returns what came back until the server closed it (or `waitMs` passed). */
async function rawExchange(port: number, bytes: Buffer | string, waitMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      // One full response is enough; a kept-alive connection would otherwise wait for the timer.
      if (/\r\n\r\n/.test(answer) && /content-length: 0|\}$/i.test(answer)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}

describe('engine HTTP port under malformed requests', () => {
  let db: TestDatabase;
  let port: number;
  let engine: ReturnType<typeof spawnCli>;
  let stderr = '';
  let exited: string | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    port = await freePort();
    engine = spawnCli(['start'], {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('http'),
      OUTBOX_HTTP_PORT: String(port),
      OUTBOX_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      OUTBOX_CODEC_TOKEN: 'codec-token-for-the-fuzz-test',
    });
    engine.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    engine.stdout?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    engine.once('exit', (code, signal) => (exited = `exit ${code ?? signal}`));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
      what: 'the engine to be ready',
      describe: () => stderr,
    });
  });
  afterAll(async () => {
    engine?.kill('SIGKILL');
    await db?.drop();
  });

  const healthy = async () => {
    expect(exited, `the engine process died: ${stderr.slice(-2_000)}`).toBeUndefined();
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  };

  it('answers an absolute-form request line with an invalid port with 400 and keeps serving', async () => {
    const answer = await rawExchange(port, 'GET http://a:99999/ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await healthy();
  });

  it('answers garbage that is not HTTP with 400 and keeps serving', async () => {
    const answer = await rawExchange(port, '\x00\x01\x02 not http at all\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await healthy();
  });

  it('refuses a codec body above its limit with 413', async () => {
    const big = 'x'.repeat(9 * 1024 * 1024);
    const response = await fetch(`http://127.0.0.1:${port}/codec/decode`, {
      method: 'POST',
      headers: { authorization: 'Bearer codec-token-for-the-fuzz-test', 'content-type': 'application/json' },
      body: `{"payloads":["${big}"]}`,
    }).catch((error: unknown) => ({ status: `connection closed (${(error as Error).message})` }));
    // Either the 413 arrives, or the server cut the upload short after answering it.
    if (typeof response.status === 'number') expect(response.status).toBe(413);
    await healthy();
  });

  it('survives a bounded fuzz of bad request lines, headers and bodies and still answers /healthz', async () => {
    const cases = generateBadRequests({ seed: 20261201, count: 400 });
    const deadline = Date.now() + 90_000;
    let sent = 0;
    const statuses = new Map<string, number>();
    // A few at a time: the point is the parser and the handlers, not a load test.
    for (let index = 0; index < cases.length && Date.now() < deadline; index += 8) {
      const answers = await Promise.all(cases.slice(index, index + 8).map((bytes) => rawExchange(port, bytes, 1_500)));
      for (const answer of answers) {
        const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'closed';
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      sent += answers.length;
    }
    console.log(`[http fuzz] ${sent} cases sent; answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(sent).toBe(cases.length);
    // No request was answered with a crash page or left the engine unable to answer.
    await healthy();
    expect(stderr).not.toMatch(/TypeError: Invalid URL/);
    expect(statuses.get('500') ?? 0).toBe(0);
  });
});

describe('startHttpServer', () => {
  it('answers a route that throws, synchronously or not, with 500, logs it, and keeps serving', async () => {
    const { pino } = await import('pino');
    const { Writable } = await import('node:stream');
    const { startHttpServer } = await import('../src/engine/http-server.js');
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, next) => (logged.push(chunk.toString('utf8')), next()) }));
    const http = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      checks: [],
      logger,
      routes: {
        '/throws': () => {
          throw new Error('boom in a handler');
        },
        '/rejects': () => Promise.reject(new Error('rejected in a handler')),
      },
    });
    try {
      const base = `http://127.0.0.1:${http.address.port}`;
      expect((await fetch(`${base}/throws`)).status).toBe(500);
      expect((await fetch(`${base}/rejects`)).status).toBe(500);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(logged.join('')).toContain('boom in a handler');
      expect(logged.join('')).toContain('rejected in a handler');
    } finally {
      await http.close();
    }
  });
});
