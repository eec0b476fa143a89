// The webhook flags of `outbox subscriptions add` that authenticate the engine to the endpoint:
// a client certificate (mTLS) and OAuth2 client credentials.
import { readFileSync } from 'node:fs';
import { TargetFlagError, type TargetFlags } from './target-flags.js';

/** A PEM file a flag names, read now (its content is what is stored; the key sealed). */
function pemFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new TargetFlagError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}); give the path of a PEM file`);
  }
}

/** `--client-cert/--client-key/--client-ca`: the webhook's client certificate (mTLS), as `tls`. */
export function clientTlsFromFlags(flags: TargetFlags): { tls?: Record<string, string> } {
  if (flags.clientCert === undefined && flags.clientKey === undefined && flags.clientCa === undefined) return {};
  if (flags.clientCert === undefined || flags.clientKey === undefined)
    throw new TargetFlagError('--client-cert and --client-key go together (the certificate and its key, PEM files)');
  return {
    tls: {
      cert: pemFile(flags.clientCert, '--client-cert'),
      key: pemFile(flags.clientKey, '--client-key'),
      ...(flags.clientCa !== undefined && { ca: pemFile(flags.clientCa, '--client-ca') }),
    },
  };
}

/** `--oauth2-…`: OAuth2 client credentials, as `oauth2`. */
export function oauth2FromFlags(flags: TargetFlags): { oauth2?: Record<string, string> } {
  const { oauth2TokenUrl: tokenUrl, oauth2ClientId: clientId, oauth2ClientSecret: clientSecret } = flags;
  if (tokenUrl === undefined && clientId === undefined && clientSecret === undefined) return {};
  if (tokenUrl === undefined || clientId === undefined || clientSecret === undefined) {
    throw new TargetFlagError('--oauth2-token-url, --oauth2-client-id and --oauth2-client-secret go together');
  }
  return {
    oauth2: {
      tokenUrl,
      clientId,
      clientSecret,
      ...(flags.oauth2Scope !== undefined && { scope: flags.oauth2Scope }),
      ...(flags.oauth2Audience !== undefined && { audience: flags.oauth2Audience }),
    },
  };
}
