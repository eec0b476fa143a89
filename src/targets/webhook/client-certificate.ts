import { createPrivateKey, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { isSealed } from '../../secrets/secret-box.js';
import { isEnvReference } from '../secret-reference.js';

/** Days before its expiry a client certificate is reported (metric, overview, operational event). */
export const CERTIFICATE_WARNING_DAYS = 14;

/** A client certificate as reads show it: never the key. */
export interface ClientCertificateSummary {
  subject: string;
  issuer: string;
  /** SHA-256 fingerprint, colon-separated hex (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprint: string;
  expiresAt: string;
  /** It expires within CERTIFICATE_WARNING_DAYS (or has expired). */
  expiresSoon: boolean;
}

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/**
 * A webhook's client certificate for endpoints that require mTLS: `cert` (PEM), `key` (PEM,
 * sealed at rest, or `env:NAME`), and `ca` (PEM) to trust for the endpoint instead of the
 * system's CAs. Refused, naming the field: a certificate or CA that is not PEM, an expired
 * certificate, a key that is not PEM or does not match the certificate.
 *
 * @example
 * clientTlsSchema.parse({ cert: readFileSync('client.crt', 'utf8'), key: readFileSync('client.key', 'utf8') });
 */
export const clientTlsSchema = z
  .object({
    cert: z.string().max(64_000),
    key: z.string(),
    ca: z.string().max(256_000).optional(),
  })
  .strict()
  .superRefine((tls, context) => {
    const certificate = parseCertificate(tls.cert);
    if (!certificate) {
      context.addIssue({ code: 'custom', path: ['cert'], message: 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)' });
      return;
    }
    if (Date.parse(certificate.validTo) <= Date.now()) {
      context.addIssue({ code: 'custom', path: ['cert'], message: `expired on ${new Date(certificate.validTo).toISOString()}; renew it and set it again` });
    }
    if (tls.ca !== undefined && !parseCertificate(tls.ca)) {
      context.addIssue({ code: 'custom', path: ['ca'], message: 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)' });
    }
    // A sealed key was checked before it was sealed; an env: key is checked when it is used.
    if (isSealed(tls.key) || isEnvReference(tls.key)) return;
    let matches: boolean;
    try {
      matches = certificate.checkPrivateKey(createPrivateKey(tls.key));
    } catch {
      context.addIssue({ code: 'custom', path: ['key'], message: 'is not a PEM private key (-----BEGIN PRIVATE KEY-----), or is encrypted' });
      return;
    }
    if (!matches) context.addIssue({ code: 'custom', path: ['key'], message: 'does not match tls.cert: give the key the certificate was issued for' });
  });

/**
 * What reads show of a client certificate: subject, issuer, fingerprint and expiry.
 *
 * @example
 * describeClientCertificate(pem)?.expiresAt; // '2027-01-01T00:00:00.000Z'
 */
export function describeClientCertificate(pem: string, now = Date.now()): ClientCertificateSummary | undefined {
  const certificate = parseCertificate(pem);
  if (!certificate) return undefined;
  const expiresAt = new Date(certificate.validTo);
  return {
    subject: certificate.subject.replaceAll('\n', ', '),
    issuer: certificate.issuer.replaceAll('\n', ', '),
    fingerprint: certificate.fingerprint256,
    expiresAt: expiresAt.toISOString(),
    expiresSoon: expiresAt.getTime() - now <= CERTIFICATE_WARNING_DAYS * 24 * 60 * 60_000,
  };
}
