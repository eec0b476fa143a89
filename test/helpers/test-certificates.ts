// Certificates for the secured-Temporal tests, made with the machine's `openssl` (X.509 v3, as
// the SDK's TLS needs): a CA, the server's certificate for localhost and 127.0.0.1, client
// certificates signed by that CA, and the wrong things on purpose (another CA, an expired
// certificate, a key that belongs to another certificate).
import { execFile } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  dir: string;
  ca: string;
  otherCa: string;
  serverCert: string;
  serverKey: string;
  /** Client certificate and key signed by `ca`. */
  clientCert: string;
  clientKey: string;
  /** Issues another client certificate and key signed by `ca` (a renewal), at these paths. */
  renewClient(cert: string, key: string): Promise<void>;
  /** A client certificate that expired yesterday, with its key. */
  expiredCert: string;
  expiredKey: string;
  /** A key that is not the client certificate's. */
  strangerKey: string;
  remove(): Promise<void>;
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'outbox-certs-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await writeFile(at('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await writeFile(at('client.ext'), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  const key = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(name));
  const ca = async (name: string) => {
    await key(`${name}.key`);
    await openssl('req', '-x509', '-new', '-key', at(`${name}.key`), '-out', at(`${name}.crt`), '-days', '3', '-subj', `/CN=${name}`);
  };
  const issue = async (keyPath: string, certPath: string, extension: string, days: string) => {
    await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath);
    await openssl('req', '-new', '-key', keyPath, '-out', `${certPath}.csr`, '-subj', `/CN=${extension}`);
    await openssl(
      'x509',
      '-req',
      '-in',
      `${certPath}.csr`,
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      certPath,
      '-days',
      days,
      '-extfile',
      at(`${extension}.ext`),
    );
  };
  await Promise.all([ca('ca'), ca('other-ca')]);
  await issue(at('server.key'), at('server.crt'), 'server', '3');
  await issue(at('client.key'), at('client.crt'), 'client', '3');
  await issue(at('expired.key'), at('expired.crt'), 'client', '-1');
  await key('stranger.key');
  return {
    dir,
    ca: at('ca.crt'),
    otherCa: at('other-ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    // As cert-manager's Secret update lands: both files replaced at once (renamed into place).
    renewClient: async (cert, keyPath) => {
      await issue(`${keyPath}.new`, `${cert}.new`, 'client', '3');
      await rename(`${keyPath}.new`, keyPath);
      await rename(`${cert}.new`, cert);
    },
    expiredCert: at('expired.crt'),
    expiredKey: at('expired.key'),
    strangerKey: at('stranger.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
