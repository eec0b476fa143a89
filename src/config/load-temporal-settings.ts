import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import type { TemporalSettings } from '../temporal/temporal-settings.js';
import { ConfigError } from './config-error.js';

// How the engine reaches Temporal, read the way every Temporal SDK and the CLI read it
// (@temporalio/envconfig: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
// TEMPORAL_GRPC_META_*, and TOML profiles through TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE),
// then checked before any connection: files exist, a key matches its certificate, the
// certificate is in date, an API key travels over TLS. A bad setting is one ConfigError line
// that names it; key material and keys never appear in it.

/** What the caller does when no address is configured anywhere. */
export interface TemporalSettingsOptions {
  /** The embedded dev server's address (`outbox dev`, or `start` without an address). */
  embeddedAddress: string;
}

/**
 * Reads and checks the Temporal connection settings from `env` and the TOML profile it names.
 * Without an address in either, the embedded dev server's. Throws a ConfigError naming the
 * setting at fault.
 *
 * @example
 * const temporal = loadTemporalSettings(process.env, { embeddedAddress: '127.0.0.1:7233' });
 * const connection = await Connection.connect(clientConnectionOptions(temporal));
 */
export function loadTemporalSettings(env: NodeJS.ProcessEnv, options: TemporalSettingsOptions): TemporalSettings {
  const fromEnv = (name: string) => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined);
  const configFile = fromEnv('TEMPORAL_CONFIG_FILE') ?? defaultConfigFile(env);
  const profileName = fromEnv('TEMPORAL_PROFILE');
  const fileExists = exists(configFile);
  if (fromEnv('TEMPORAL_CONFIG_FILE') && !fileExists) {
    throw new ConfigError(`TEMPORAL_CONFIG_FILE=${configFile}: no such file. Point it at your temporal.toml, or unset it.`, 'TEMPORAL_CONFIG_FILE');
  }
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({
      overrideEnvVars: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')),
      ...(fileExists ? { configSource: { path: configFile } } : { disableFile: true }),
    });
  } catch (error) {
    const message = (error as Error).message;
    if (/Profile '.*' not found/.test(message)) {
      throw new ConfigError(
        `TEMPORAL_PROFILE=${profileName}: no such profile in ${fileExists ? configFile : '(no config file)'}${profilesIn(configFile)}. Name one of them, or unset TEMPORAL_PROFILE.`,
        'TEMPORAL_PROFILE',
      );
    }
    throw new ConfigError(`${fileExists ? configFile : 'TEMPORAL_*'}: ${message.split('\n')[0]}`, fileExists ? 'TEMPORAL_CONFIG_FILE' : 'TEMPORAL_ADDRESS');
  }
  // Where a setting came from: its variable, or the profile's field when a profile gave it.
  const inProfile = (field: string, variable: string) => (fileExists ? `${field} of profile "${profileName ?? 'default'}" in ${configFile}` : variable);
  const originOf = (variable: string, field: string) => (fromEnv(variable) !== undefined ? variable : inProfile(field, variable));
  const namespace = profile.namespace ?? 'default';
  if (profile.address === undefined) return embeddedTemporalSettings(options.embeddedAddress, namespace);
  if (fromEnv('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION') === 'true' || fromEnv('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION') === '1') {
    throw new ConfigError(
      'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION=true: the TypeScript SDK always verifies the server; set TEMPORAL_TLS_SERVER_NAME to the name on its certificate (and TEMPORAL_TLS_SERVER_CA_CERT_PATH to its CA) instead.',
      'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
    );
  }
  const tls = profile.tls;
  if (profile.apiKey !== undefined && tls?.disabled === true) {
    const variable = originOf('TEMPORAL_TLS', 'tls.disabled');
    throw new ConfigError(
      `${originOf('TEMPORAL_API_KEY', 'api_key')} is set but TLS is off (${variable}): the key would cross the network in the clear. Turn TLS on (TEMPORAL_TLS=true, the default with a key).`,
      'TEMPORAL_API_KEY',
    );
  }
  const origin: TemporalSettings['origin'] = {
    address: originOf('TEMPORAL_ADDRESS', 'address'),
    ...(profile.apiKey !== undefined && { apiKey: originOf('TEMPORAL_API_KEY', 'api_key') }),
    serverCa: origins(env, 'TEMPORAL_TLS_SERVER_CA_CERT', inProfile('tls.server_ca_cert_path', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH')),
    serverName: originOf('TEMPORAL_TLS_SERVER_NAME', 'tls.server_name'),
    clientCert: `${origins(env, 'TEMPORAL_TLS_CLIENT_CERT', inProfile('tls.client_cert_path', 'TEMPORAL_TLS_CLIENT_CERT_PATH'))} and ${origins(env, 'TEMPORAL_TLS_CLIENT_KEY', inProfile('tls.client_key_path', 'TEMPORAL_TLS_CLIENT_KEY_PATH'))}`,
  };
  const files = fileExists ? [configFile] : [];
  const serverCa = readSource(tls?.serverCACert, origin.serverCa!, files);
  const clientCert = readSource(
    tls?.clientCert,
    origins(env, 'TEMPORAL_TLS_CLIENT_CERT', inProfile('tls.client_cert_path', 'TEMPORAL_TLS_CLIENT_CERT_PATH')),
    files,
  );
  const clientKey = readSource(
    tls?.clientKey,
    origins(env, 'TEMPORAL_TLS_CLIENT_KEY', inProfile('tls.client_key_path', 'TEMPORAL_TLS_CLIENT_KEY_PATH')),
    files,
  );
  if (serverCa) parseCertificate(serverCa, origin.serverCa!);
  if ((clientCert === undefined) !== (clientKey === undefined)) {
    const missing = clientCert === undefined ? 'TEMPORAL_TLS_CLIENT_CERT_PATH' : 'TEMPORAL_TLS_CLIENT_KEY_PATH';
    throw new ConfigError(`${missing} is missing: a client certificate and its key go together (mTLS).`, missing);
  }
  if (clientCert && clientKey) checkClientPair(clientCert, clientKey, origin.clientCert!);
  const useTls = tls !== undefined ? tls.disabled !== true : profile.apiKey !== undefined;
  const apiKey = profile.apiKey;
  return {
    address: profile.address,
    namespace,
    ...(apiKey !== undefined && { apiKey: () => apiKey }),
    ...(useTls && {
      tls:
        serverCa || clientCert || tls?.serverName
          ? {
              ...(tls?.serverName && { serverNameOverride: tls.serverName }),
              ...(serverCa && { serverRootCACertificate: serverCa }),
              ...(clientCert && clientKey && { clientCertPair: { crt: clientCert, key: clientKey } }),
            }
          : true,
    }),
    ...(profile.grpcMeta && Object.keys(profile.grpcMeta).length > 0 && { metadata: profile.grpcMeta }),
    embedded: false,
    origin,
    files,
  };
}

/**
 * The embedded dev server's settings (`outbox dev`): no TLS, no key, whatever is configured.
 *
 * @example
 * const temporal = embeddedTemporalSettings('127.0.0.1:7233');
 */
export function embeddedTemporalSettings(address: string, namespace = 'default'): TemporalSettings {
  return { address, namespace, embedded: true, origin: { address: 'the embedded dev server' }, files: [] };
}

/** The TOML file envconfig reads by default: $XDG_CONFIG_HOME/temporalio/temporal.toml (~/.config/…). */
function defaultConfigFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config'), 'temporalio', 'temporal.toml');
}

function exists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** ` (profiles there: a, b)` when the file lists some. */
function profilesIn(file: string): string {
  if (!exists(file)) return '';
  const names = [...readFileSync(file, 'utf8').matchAll(/^\s*\[profile\.([^\]]+)\]/gm)].map((match) => match[1]);
  return names.length > 0 ? ` (profiles there: ${names.join(', ')})` : '';
}

/** The variable a TLS file came from: TEMPORAL_X_PATH or TEMPORAL_X_DATA when set, else the profile's field. */
function origins(env: NodeJS.ProcessEnv, prefix: string, profileField: string): string {
  if (env[`${prefix}_PATH`]) return `${prefix}_PATH`;
  if (env[`${prefix}_DATA`]) return `${prefix}_DATA`;
  return profileField;
}

/** A TLS source's bytes: the file it names (recorded in `files`), or its data. */
function readSource(source: ConfigDataSource | undefined, origin: string, files: string[]): Buffer | undefined {
  if (!source) return undefined;
  if ('data' in source) return Buffer.from(source.data);
  try {
    const bytes = readFileSync(source.path);
    files.push(source.path);
    return bytes;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable by this process' : (error as Error).message;
    throw new ConfigError(`${origin}=${source.path}: ${why}. Point it at the PEM file, or unset it.`, origin.split(' ')[0]!);
  }
}

function parseCertificate(pem: Buffer, origin: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ConfigError(`${origin}: not a PEM certificate. Give the certificate file (-----BEGIN CERTIFICATE-----).`, origin.split(' ')[0]!);
  }
}

/** The client certificate parses, is in date, and its key is the one it certifies. */
function checkClientPair(certificatePem: Buffer, keyPem: Buffer, origin: string): void {
  const certificate = parseCertificate(certificatePem, origin);
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new ConfigError(`${origin}: the key is not a PEM private key (-----BEGIN PRIVATE KEY-----).`, 'TEMPORAL_TLS_CLIENT_KEY_PATH');
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new ConfigError(
      `${origin}: the key does not match the certificate (it certifies another key). Give the key the certificate was issued for.`,
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
    );
  }
  const now = Date.now();
  if (Date.parse(certificate.validTo) <= now) {
    throw new ConfigError(
      `${origin}: the certificate expired on ${new Date(certificate.validTo).toISOString()}. Renew it (cert-manager renews in place; the engine reads it again).`,
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
    );
  }
  if (Date.parse(certificate.validFrom) > now) {
    throw new ConfigError(
      `${origin}: the certificate is not valid before ${new Date(certificate.validFrom).toISOString()}. Check this machine's clock.`,
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
    );
  }
}
