// Client certificates to endpoints (issue 34 §1): a webhook presents its subscription's
// certificate to an HTTPS receiver (node:https) that requires one from a test CA; the key is
// stored sealed, reads show subject, fingerprint and expiry only, and bad material is refused
// naming the field with nothing saved.
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import type { ApiPrincipal } from '../src/api/api-key-store.js';
import { inScope } from '../src/api/scoped-transaction.js';
import { EngineMetrics } from '../src/metrics/engine-metrics.js';
import { gaugeExpiringCertificates, reportExpiringCertificates } from '../src/outbox/certificate-expiry.js';
import { readOverview } from '../src/outbox/read-overview.js';
import { addSubscription, generateWebhookSecret, getSubscription, InvalidSubscriptionError } from '../src/subscriptions/subscription-store.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { makeTestCertificates, type TestCertificates } from './helpers/test-certificates.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { runCli } from './helpers/run-cli.js';

process.env.OUTBOX_SECRET_KEYS = `k1:${randomBytes(32).toString('base64')}`;

interface Received {
  path: string;
  peerFingerprint: string | undefined;
}

describe('client certificates (mTLS) to endpoints', () => {
  let engine: TestEngine;
  let certs: TestCertificates;
  let server: Server;
  let url: string;
  const pem: Record<'ca' | 'clientCert' | 'clientKey' | 'expiredCert' | 'expiredKey' | 'strangerKey', string> = {
    ca: '',
    clientCert: '',
    clientKey: '',
    expiredCert: '',
    expiredKey: '',
    strangerKey: '',
  };
  const received: Received[] = [];

  beforeAll(async () => {
    [engine, certs] = await Promise.all([startTestEngine(() => createTestDatabase(), { prefix: 'mtls' }), makeTestCertificates()]);
    for (const name of Object.keys(pem) as (keyof typeof pem)[]) pem[name] = await readFile(certs[name], 'utf8');
    // A receiver that requires a client certificate from the test CA, and refuses the handshake otherwise.
    server = createServer(
      { cert: await readFile(certs.serverCert), key: await readFile(certs.serverKey), ca: pem.ca, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        req.resume();
        req.on('end', () => {
          received.push({ path: req.url ?? '', peerFingerprint: (req.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 });
          res.writeHead(204).end();
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await engine?.stop();
    server?.close();
    await certs?.remove();
  });

  it('the receiver refuses a client without a certificate', async () => {
    const bare = new Agent({ connect: { ca: pem.ca } });
    await expect(request(`${url}/hook`, { method: 'POST', body: '{}', dispatcher: bare })).rejects.toThrow();
    await bare.close();
  });

  it("presents the subscription's certificate, keeps its key sealed, and shows its fingerprint and expiry", async () => {
    const { db } = engine.database;
    const summary = await addSubscription(db, {
      name: 'bank',
      tenant: 'acme',
      events: 'payment.*',
      target: {
        kind: 'webhook',
        config: { url: `${url}/bank`, secret: generateWebhookSecret(), tls: { cert: pem.clientCert, key: pem.clientKey, ca: pem.ca } },
      },
    });
    const fingerprint = new X509Certificate(pem.clientCert).fingerprint256;
    expect(summary.clientCertificate).toEqual({
      subject: 'CN=client',
      issuer: 'CN=ca',
      fingerprint,
      expiresAt: new Date(new X509Certificate(pem.clientCert).validTo).toISOString(),
      // Issued for 3 days: within the 14 days it is reported.
      expiresSoon: true,
    });
    expect(summary.secrets).toContainEqual({ field: 'target.config.tls.key', storage: 'encrypted' });
    const dump = (await engine.database.pool.query<{ row: string }>('SELECT s::text AS row FROM outbox.subscriptions s')).rows.map((r) => r.row).join('\n');
    const keyBody = pem.clientKey.split('\n')[1]!;
    expect(dump).not.toContain(keyBody);
    expect(JSON.stringify(await getSubscription(db, 'bank'))).not.toContain(keyBody);

    for (let n = 0; n < 5; n++) await enqueue(engine.database.pool, { tenant: 'acme', type: 'payment.settled', payload: { n }, idempotencyKey: `mtls-${n}` });
    await waitFor(() => received.filter((entry) => entry.path === '/bank').length >= 5 || undefined, { what: 'five deliveries over mTLS' });
    expect(new Set(received.map((entry) => entry.peerFingerprint))).toEqual(new Set([fingerprint]));
  });

  it.each([
    ['a key that does not match the certificate', () => ({ cert: pem.clientCert, key: pem.strangerKey }), 'target.config.tls.key', /does not match tls\.cert/],
    ['an expired certificate', () => ({ cert: pem.expiredCert, key: pem.expiredKey }), 'target.config.tls.cert', /expired on .*renew it/],
    ['a certificate that is not PEM', () => ({ cert: 'not a certificate', key: pem.clientKey }), 'target.config.tls.cert', /is not a PEM certificate/],
    ['a key that is not PEM', () => ({ cert: pem.clientCert, key: 'not a key' }), 'target.config.tls.key', /is not a PEM private key/],
  ])('refuses %s, naming the field, and saves nothing', async (_, tls, field, message) => {
    const name = `bad-${randomBytes(3).toString('hex')}`;
    const material = tls();
    const attempt = addSubscription(engine.database.db, {
      name,
      tenant: 'acme',
      events: 'x.*',
      target: { kind: 'webhook', config: { url: `${url}/x`, secret: generateWebhookSecret(), tls: material } },
    });
    const error = (await attempt.catch((caught: unknown) => caught)) as InvalidSubscriptionError;
    expect(error).toBeInstanceOf(InvalidSubscriptionError);
    expect(error.issues).toEqual([{ field, message: expect.stringMatching(message) as unknown }]);
    // The material itself is never echoed.
    for (const line of [material.cert, material.key].flatMap((value) => value.split('\n')).filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line))) {
      expect(error.message).not.toContain(line);
    }
    expect(await getSubscription(engine.database.db, name)).toBeUndefined();
  });

  it('refuses a client certificate on an http:// URL, naming the url', async () => {
    const attempt = addSubscription(engine.database.db, {
      name: 'plain',
      tenant: 'acme',
      events: 'x.*',
      target: { kind: 'webhook', config: { url: 'http://127.0.0.1:9/x', secret: generateWebhookSecret(), tls: { cert: pem.clientCert, key: pem.clientKey } } },
    });
    await expect(attempt).rejects.toThrow(/target\.config\.url: must be an https:\/\/ URL when tls/);
  });

  it('reports a certificate expiring within 14 days: the overview, a metric, and one operational event to its owner', async () => {
    const { db, pool } = engine.database;
    // The tenant's team listens for operational events.
    await addSubscription(db, {
      name: 'acme-ops',
      tenant: 'acme',
      events: 'outbox.*',
      target: {
        kind: 'webhook',
        config: { url: `${url}/ops`, secret: generateWebhookSecret(), tls: { cert: pem.clientCert, key: pem.clientKey, ca: pem.ca } },
      },
    });
    const fingerprint = new X509Certificate(pem.clientCert).fingerprint256;

    const overview = await inScope(db, { scope: 'tenant', tenant: 'acme', keyId: 'test' } satisfies ApiPrincipal, (trx) => readOverview(trx, db));
    expect(overview.expiringCertificates.map((entry) => [entry.subscription, entry.fingerprint])).toEqual([
      ['bank', fingerprint],
      ['acme-ops', fingerprint],
    ]);
    const other = await inScope(db, { scope: 'tenant', tenant: 'other', keyId: 'test' } satisfies ApiPrincipal, (trx) => readOverview(trx, db));
    expect(other.expiringCertificates).toEqual([]);

    const metrics = new EngineMetrics();
    gaugeExpiringCertificates(metrics, db);
    expect(await metrics.render()).toMatch(/^outbox_client_certificates_expiring 2$/m);

    // Reported once, however often the check runs.
    expect(await reportExpiringCertificates(db)).toEqual({ expiring: 2 });
    expect(await reportExpiringCertificates(db)).toEqual({ expiring: 2 });
    const { rows } = await pool.query<{ payload: Record<string, unknown>; targets: string[] }>(
      "SELECT payload, targets FROM outbox.events WHERE event_type = 'outbox.endpoint.certificate_expiring' ORDER BY id",
    );
    expect(rows.map((row) => [row.payload.subscription, row.payload.fingerprint, row.targets])).toEqual([
      ['bank', fingerprint, ['acme-ops']],
      ['acme-ops', fingerprint, ['acme-ops']],
    ]);
  });

  it('takes the certificate from PEM files on the command line, and names the flag of a key that does not match', async () => {
    const env = { DATABASE_URL: engine.database.url, OUTBOX_SECRET_KEYS: process.env.OUTBOX_SECRET_KEYS! };
    const args = [
      'subscriptions',
      'add',
      '--name',
      'cli-mtls',
      '--tenant',
      'acme',
      '--events',
      'cli.*',
      '--webhook',
      `${url}/cli`,
      '--client-cert',
      certs.clientCert,
    ];
    const added = await runCli([...args, '--client-key', certs.clientKey, '--client-ca', certs.ca, '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    expect((JSON.parse(added.stdout) as { clientCertificate: { fingerprint: string } }).clientCertificate.fingerprint).toBe(
      new X509Certificate(pem.clientCert).fingerprint256,
    );
    const mismatched = await runCli([...args.map((arg) => (arg === 'cli-mtls' ? 'cli-mtls-2' : arg)), '--client-key', certs.strangerKey], env);
    expect(mismatched.code).not.toBe(0);
    expect(mismatched.stderr).toMatch(/--client-key does not match tls\.cert/);
  });
});
