// A tiny payment-provider stub on loopback HTTP for the saga example and tests. Like a real
// provider it is idempotent: a repeated `webhook-id` gets the first answer back and has no
// second effect. It verifies each Standard Webhooks signature when given the secret.
//
//   POST /reserve   /reserve/undo     hold funds          → { reservationId } / { released }
//   POST /charge    /charge/undo      charge the card     → { chargeId }      / { refunded }
//   POST /provision /provision/undo   deliver the service → { provisionId }   / { deprovisioned }
//
// A payment whose data says { "failAt": "provision" } is refused there with 422 (for good).
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const RESULTS = {
  '/reserve': (key) => ({ reservationId: `res_${key}` }),
  '/charge': (key) => ({ chargeId: `ch_${key}` }),
  '/provision': (key) => ({ provisionId: `prov_${key}` }),
  '/reserve/undo': (_key, saga) => ({ released: saga?.results?.reserve?.reservationId ?? null }),
  '/charge/undo': (_key, saga) => ({ refunded: saga?.results?.charge?.chargeId ?? null }),
  '/provision/undo': (_key, saga) => ({ deprovisioned: saga?.results?.provision?.provisionId ?? null }),
};

/**
 * Starts the stub. `stub.effects` lists every effect in the order it happened (one per
 * idempotency key); `stub.requests` counts requests per path (repeats included).
 * Controls: `stub.fail(path, status)` answers that status until `stub.recover(path)`;
 * `stub.hold(path)` performs the effect but holds the answer until `stub.release(path)`.
 */
export async function startPaymentStub({ port = 0, secret } = {}) {
  const verifier = secret ? new Webhook(secret) : undefined;
  const answered = new Map(); // webhook-id → { status, body }
  const failing = new Map(); // path → status
  const held = new Map(); // path → { released: Promise, release() }
  const arrivals = [];
  const stub = {
    url: '',
    effects: [],
    requests: {},
    fail(path, status = 503) {
      failing.set(path, status);
    },
    recover(path) {
      failing.delete(path);
    },
    hold(path) {
      let release;
      const released = new Promise((resolve) => (release = resolve));
      held.set(path, { released, release });
    },
    release(path) {
      held.get(path)?.release();
      held.delete(path);
    },
    /** Resolves when a request for `path` arrives (immediately if one already did). */
    arrived(path) {
      if (arrivals.includes(path)) return Promise.resolve();
      return new Promise((resolve) => {
        const check = setInterval(() => {
          if (arrivals.includes(path)) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
    },
    effectsFor(key) {
      return stub.effects.filter((effect) => effect.key.startsWith(`${key}:`));
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      const path = new URL(request.url ?? '/', 'http://stub').pathname;
      const body = Buffer.concat(chunks).toString('utf8');
      stub.requests[path] = (stub.requests[path] ?? 0) + 1;
      arrivals.push(path);
      const reply = (status, payload) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      const make = RESULTS[path];
      if (request.method !== 'POST' || !make) return reply(404, { error: `no such endpoint ${path}` });
      let event;
      try {
        event = verifier ? verifier.verify(body, request.headers) : JSON.parse(body);
      } catch (error) {
        return reply(400, { error: `bad signature or body: ${error.message}` });
      }
      if (failing.has(path)) return reply(failing.get(path), { error: 'provider unavailable' });
      const messageId = String(request.headers['webhook-id']);
      // The webhook-id is outbox:<installation>:<tenant>:<idempotency key>:<step>; effects are shown by key and step.
      const key = /^outbox:[a-z0-9-]+:[^:]+:(.+)$/.exec(messageId)?.[1] ?? messageId;
      const previous = answered.get(messageId);
      if (previous) return reply(previous.status, previous.body);
      if (path === '/provision' && event.data?.failAt === 'provision') {
        const refusal = { status: 422, body: { error: 'cannot provision this order' } };
        answered.set(messageId, refusal);
        return reply(refusal.status, refusal.body);
      }
      const result = make(key, event.saga);
      answered.set(messageId, { status: 201, body: result });
      stub.effects.push({ key, path, result });
      const hold = held.get(path);
      if (hold) await hold.released;
      if (!response.destroyed) reply(201, result);
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${server.address().port}`;
  return stub;
}

/**
 * The example's routing: one webhook subscription per stub endpoint (`psp-reserve`,
 * `psp-reserve-undo`, …) and the `payment` saga over them, ready for addSubscription / saveSaga.
 */
export function paymentSagaSetup({ stubUrl, secret, timeoutMs, maximumAttempts = 5 }) {
  const subscriptions = ['reserve', 'charge', 'provision'].flatMap((step) =>
    [
      [`psp-${step}`, `/${step}`],
      [`psp-${step}-undo`, `/${step}/undo`],
    ].map(([name, path]) => ({
      name,
      events: 'payment.requested',
      // The stub runs on this machine: allow this subscription to reach a loopback address.
      target: { kind: 'webhook', config: { url: `${stubUrl}${path}`, secret, allowPrivateAddresses: true, ...(timeoutMs !== undefined && { timeoutMs }) } },
      retryPolicy: { maximumAttempts, initialInterval: '1s' },
    })),
  );
  const saga = {
    name: 'payment',
    events: 'payment.requested',
    steps: [
      { name: 'reserve', target: 'psp-reserve', compensation: 'psp-reserve-undo' },
      { name: 'charge', target: 'psp-charge', compensation: 'psp-charge-undo' },
      { name: 'provision', target: 'psp-provision' },
    ],
  };
  return { subscriptions, saga };
}
