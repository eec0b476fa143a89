// OAuth2 client credentials to endpoints (issue 34 §2): the engine fetches a token from a real
// authorization server on loopback (oauth2-mock-server, which issues signed JWTs), sends it as
// `Authorization: Bearer`, and the receiver verifies each with jose against the server's JWKS.
// One token serves 50 events; a 401 refreshes it exactly once; a failing token endpoint
// dead-letters with its reason; a token URL on a private address is refused when saved.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Events, OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../src/egress/address-policy.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret, getSubscription, InvalidSubscriptionError } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

process.env.OUTBOX_SECRET_KEYS = `k1:${randomBytes(32).toString('base64')}`;

interface Received {
  path: string;
  key: string;
  status: number;
  token: string;
}

describe('OAuth2 client credentials', () => {
  let engine: TestEngine;
  let issuer: OAuth2Server;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** Token requests by client id, as the authorization server saw them. */
  const tokenRequests: { clientId: string; secret: string; scope: string | undefined; audience: string | undefined }[] = [];
  const revoked = new Set<string>();
  const clientSecret = `secret-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    issuer = new OAuth2Server();
    await issuer.issuer.keys.generate('RS256');
    await issuer.start(0, '127.0.0.1');
    const basic = (req: IncomingMessage) => {
      const [id, secret] = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
      return { id: id ?? '', secret: secret ?? '' };
    };
    issuer.service.on(Events.BeforeTokenSigning, (token: { payload: Record<string, unknown> }, req: IncomingMessage & { body: Record<string, string> }) => {
      token.payload.aud = req.body.audience;
      // Each token its own (as real servers issue them): two within a second would otherwise be the same bytes.
      token.payload.jti = randomUUID();
    });
    issuer.service.on(Events.BeforeResponse, (response: { statusCode: number; body: unknown }, req: IncomingMessage & { body: Record<string, string> }) => {
      const client = basic(req);
      tokenRequests.push({ clientId: client.id, secret: client.secret, scope: req.body.scope, audience: req.body.audience });
      if (client.id === 'broken-client') {
        response.statusCode = 503;
        response.body = { error: 'temporarily_unavailable', error_description: 'key store offline' };
      }
    });
    const jwks = createRemoteJWKSet(new URL(`${issuer.issuer.url}/jwks`));
    // The receiver: verifies each Bearer JWT against the issuer's JWKS, and refuses revoked ones.
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
        const key = String((JSON.parse(Buffer.concat(chunks).toString()) as { data: { key: string } }).data.key);
        const answer = (status: number) => {
          received.push({ path: req.url ?? '', key, status, token });
          res.writeHead(status).end();
        };
        if (revoked.has(token)) return answer(401);
        jwtVerify(token, jwks, { issuer: issuer.issuer.url!, audience: 'https://erp.example.com' }).then(
          () => answer(204),
          () => answer(401),
        );
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    engine = await startTestEngine(() => createTestDatabase(), { prefix: 'oauth2' });
    await addSubscription(engine.database.db, {
      name: 'erp',
      tenant: 'acme',
      events: 'order.*',
      target: {
        kind: 'webhook',
        config: {
          url: `${receiverUrl}/erp`,
          secret: generateWebhookSecret(),
          oauth2: { tokenUrl: `${issuer.issuer.url}/token`, clientId: 'outbox', clientSecret, scope: 'events:write', audience: 'https://erp.example.com' },
        },
      },
    });
  });
  afterAll(async () => {
    await engine?.stop();
    receiver?.close();
    await issuer?.stop();
  });

  const send = (key: string, type = 'order.paid') => enqueue(engine.database.pool, { tenant: 'acme', type, payload: { key }, idempotencyKey: key });
  const delivered = (prefix: string) => received.filter((entry) => entry.key.startsWith(prefix) && entry.status === 204);

  it('fetches one token for 50 events, with the client secret, scope and audience, and the receiver verifies every one', async () => {
    for (let n = 0; n < 50; n++) await send(`cached-${n}`);
    await waitFor(() => delivered('cached-').length >= 50 || undefined, { what: '50 deliveries', timeoutMs: 120_000 });
    expect(received.filter((entry) => entry.key.startsWith('cached-') && entry.status !== 204)).toEqual([]);
    expect(tokenRequests).toEqual([{ clientId: 'outbox', secret: clientSecret, scope: 'events:write', audience: 'https://erp.example.com' }]);
    expect(new Set(delivered('cached-').map((entry) => entry.token)).size).toBe(1);
    // The client secret is stored sealed.
    const { rows } = await engine.database.pool.query<{ row: string }>('SELECT s::text AS row FROM outbox.subscriptions s');
    expect(rows.map((row) => row.row).join('\n')).not.toContain(clientSecret);
    expect((await getSubscription(engine.database.db, 'erp'))?.secrets).toContainEqual({ field: 'target.config.oauth2.clientSecret', storage: 'encrypted' });
  });

  it('refreshes the token exactly once when the endpoint answers 401, then delivers', async () => {
    const before = tokenRequests.length;
    revoked.add(delivered('cached-')[0]!.token);
    await send('after-revoke');
    await waitFor(() => delivered('after-revoke')[0], {
      what: 'the delivery after the revocation',
      describe: async () =>
        JSON.stringify({
          received: received.filter((entry) => entry.key === 'after-revoke').map((entry) => entry.status),
          tokens: tokenRequests.length - before,
          deadLetters: (await engine.database.pool.query('SELECT last_error FROM outbox.dead_letters')).rows,
        }),
    });
    expect(received.filter((entry) => entry.key === 'after-revoke').map((entry) => entry.status)).toEqual([401, 204]);
    expect(tokenRequests.length).toBe(before + 1);
    for (let n = 0; n < 5; n++) await send(`fresh-${n}`);
    await waitFor(() => delivered('fresh-').length >= 5 || undefined, { what: 'five more deliveries' });
    expect(tokenRequests.length).toBe(before + 1);
  });

  it('dead-letters with the token endpoint named as the reason when it fails', async () => {
    await addSubscription(engine.database.db, {
      name: 'broken',
      tenant: 'acme',
      events: 'invoice.*',
      target: {
        kind: 'webhook',
        config: {
          url: `${receiverUrl}/broken`,
          secret: generateWebhookSecret(),
          oauth2: { tokenUrl: `${issuer.issuer.url}/token`, clientId: 'broken-client', clientSecret },
        },
      },
      retryPolicy: { maximumAttempts: 1 },
    });
    await send('no-token', 'invoice.sent');
    const deadLetter = await waitFor(
      async () =>
        (await engine.database.pool.query<{ last_error: string }>("SELECT last_error FROM outbox.dead_letters WHERE subscription_name = 'broken'")).rows[0],
      { what: 'the dead letter' },
    );
    expect(deadLetter.last_error).toMatch(/^OAuth2 token endpoint http:\/\/(localhost|127\.0\.0\.1):\d+\/token: answered HTTP 503: .*key store offline/);
    expect(received.filter((entry) => entry.path === '/broken')).toEqual([]);
  });

  it('refuses a token URL on a private address, naming the field, and saves nothing', async () => {
    const attempt = addSubscription(
      engine.database.db,
      {
        name: 'ssrf',
        tenant: 'acme',
        events: 'x.*',
        target: {
          kind: 'webhook',
          config: {
            url: 'https://93.184.216.34/hook',
            secret: generateWebhookSecret(),
            oauth2: { tokenUrl: 'http://169.254.169.254/token', clientId: 'a', clientSecret: 'b' },
          },
        },
      },
      { addressPolicy: AddressPolicy.strict },
    );
    const error = (await attempt.catch((caught: unknown) => caught)) as InvalidSubscriptionError;
    expect(error).toBeInstanceOf(InvalidSubscriptionError);
    expect(error.issues.map((issue) => issue.field)).toEqual(['target.config.oauth2.tokenUrl']);
    expect(await getSubscription(engine.database.db, 'ssrf')).toBeUndefined();
  });

  it('refuses an Authorization header beside oauth2, naming it', async () => {
    const attempt = addSubscription(engine.database.db, {
      name: 'two-auths',
      tenant: 'acme',
      events: 'x.*',
      target: {
        kind: 'webhook',
        config: {
          url: `${receiverUrl}/x`,
          secret: generateWebhookSecret(),
          headers: { Authorization: 'Bearer static' },
          oauth2: { tokenUrl: `${issuer.issuer.url}/token`, clientId: 'a', clientSecret: 'b' },
        },
      },
    });
    await expect(attempt).rejects.toThrow(/target\.config\.headers\.Authorization: is sent by oauth2/);
  });
});
