import type { ConnectionOptions, TLSConfig } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';

/**
 * How this process reaches Temporal: what every SDK and the Temporal CLI read (TEMPORAL_* and
 * TOML profiles, through @temporalio/envconfig; see config/load-temporal-settings.ts), already
 * checked, with where each part came from so that a failure can name the setting to fix.
 */
export interface TemporalSettings {
  address: string;
  namespace: string;
  /** Sent as `authorization: Bearer …`; read again on every call, so a rotated key applies at once. */
  apiKey?: () => string;
  tls?: TLSConfig | boolean;
  metadata?: Record<string, string>;
  /** True for the embedded dev server (`outbox dev`, or no address configured). */
  embedded: boolean;
  /** The setting each part came from (`TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `tls.server_ca_cert_path of profile "prod"`). */
  origin: {
    address: string;
    apiKey?: string;
    serverCa?: string;
    serverName?: string;
    clientCert?: string;
  };
  /** Files the settings were read from (the TOML file, certificates, keys): a change on disk means new credentials. */
  files: string[];
}

/**
 * The options of a client connection (relay, operator commands, API signals).
 *
 * @example
 * const connection = await Connection.connect(clientConnectionOptions(settings));
 */
export function clientConnectionOptions(settings: TemporalSettings): ConnectionOptions {
  return {
    address: settings.address,
    ...(settings.tls !== undefined && { tls: settings.tls }),
    ...(settings.apiKey && { apiKey: settings.apiKey }),
    ...(settings.metadata && { metadata: settings.metadata }),
    connectTimeout: 10_000,
  };
}

/**
 * The options of the worker's native connection (the key is set again with setApiKey when it
 * changes; see credential-watch.ts).
 *
 * @example
 * const native = await NativeConnection.connect(nativeConnectionOptions(settings));
 */
export function nativeConnectionOptions(settings: TemporalSettings): NativeConnectionOptions {
  return {
    address: settings.address,
    ...(settings.tls !== undefined && { tls: settings.tls }),
    ...(settings.apiKey && { apiKey: settings.apiKey() }),
    ...(settings.metadata && { metadata: settings.metadata }),
  };
}

/**
 * A failed connection or call in one line that names what to check, the setting included, and
 * never the key or any key material.
 *
 * @example
 * logger.error(describeTemporalFailure(error, settings));
 * // Temporal at temporal.example.com:7233 refused the handshake: its certificate is not signed by the CA in TEMPORAL_TLS_SERVER_CA_CERT_PATH …
 */
export function describeTemporalFailure(error: unknown, settings: TemporalSettings): string {
  const message = redact(textOf(error), settings);
  const where = `Temporal at ${settings.address} (${settings.origin.address})`;
  const ca = settings.origin.serverCa ?? 'TEMPORAL_TLS_SERVER_CA_CERT_PATH';
  if (
    /UnknownIssuer|unknown ca|unable to (get|verify).*(issuer|certificate)|self.signed|BadSignature|certificate verify failed|invalid peer certificate: (?!NotValidForName)/i.test(
      message,
    )
  ) {
    return `${where}: its certificate is not signed by a CA this engine trusts; point ${ca} at the CA that signed the server's certificate (${brief(message)})`;
  }
  if (/NotValidForName|not valid for name|hostname|altname|does not match/i.test(message)) {
    return `${where}: its certificate is not valid for the name this engine checks; set ${settings.origin.serverName ?? 'TEMPORAL_TLS_SERVER_NAME'} to a name on the server's certificate (${brief(message)})`;
  }
  if (/CertificateRequired|certificate required|bad certificate|alert.*certificate|handshake failure|unknown certificate/i.test(message)) {
    return `${where} refused the TLS handshake: it wants a client certificate this engine did not present or it does not trust; set ${settings.origin.clientCert ?? 'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH'} (${brief(message)})`;
  }
  // A server that requires client certificates often just closes the connection of a client without one.
  const noClientCertificate = settings.tls !== undefined && !(typeof settings.tls === 'object' && settings.tls.clientCertPair);
  if (noClientCertificate && /connection closed|broken pipe|Canceled|reset by peer|Failed to connect before the deadline/i.test(message)) {
    return `${where} closed the TLS connection: it most likely wants a client certificate (mTLS) and this engine has none; set ${settings.origin.clientCert ?? 'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH'} (${brief(message)})`;
  }
  if (/UnsupportedCertVersion/i.test(message)) {
    return `${where}: a certificate is X.509 version 1, which the SDK refuses; issue it as version 3 (with extensions, as cert-manager and \`openssl x509 -extfile\` do) (${brief(message)})`;
  }
  if (/wrong version number|http2 error|frame with invalid size|Connection reset.*tls|received corrupt message|InvalidContentType/i.test(message)) {
    return `${where}: TLS does not match the server's (one side speaks TLS, the other does not); check TEMPORAL_TLS (${brief(message)})`;
  }
  if (/PERMISSION_DENIED|PermissionDenied|UNAUTHENTICATED|Unauthenticated|Request unauthorized|unauthorized|grpc status (7|16)\b/i.test(message)) {
    return `${where} refused this engine's credentials; check ${settings.origin.apiKey ?? 'TEMPORAL_API_KEY'} (rotated or expired?) and that it may use namespace ${settings.namespace} (${brief(message)})`;
  }
  if (/NOT_FOUND.*namespace|Namespace .* is not found|namespace not found/i.test(message)) {
    return `${where} has no namespace ${settings.namespace}; check TEMPORAL_NAMESPACE (${brief(message)})`;
  }
  return `${where} is unreachable: ${brief(message)}; check ${settings.origin.address} and that the server is up`;
}

/** An error's words with those of its causes (the client wraps the server's answer: "Failed to connect to Temporal server", cause UNAUTHENTICATED). */
function textOf(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth += 1) {
    if (!(current instanceof Error)) {
      if (typeof current === 'string') parts.push(current);
      break;
    }
    const { details, code } = current as { details?: unknown; code?: unknown };
    parts.push(current.message, typeof details === 'string' ? details : '', typeof code === 'number' ? `grpc status ${code}` : '');
  }
  return parts.filter(Boolean).join(' ');
}

/** The first line of an SDK error, cut short. */
function brief(message: string): string {
  return message.split('\n')[0]!.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** An error's words with the API key taken out, wherever it might appear. */
function redact(text: string, settings: TemporalSettings): string {
  const key = settings.apiKey?.();
  return key && key.length >= 4 ? text.split(key).join('[API key]') : text;
}

/**
 * Why Temporal cannot be reached, found by a native connection (the worker's, in Rust), whose
 * errors name the TLS failure where the client connection's say only "Failed to connect before
 * the deadline". Undefined when it connects and answers.
 *
 * @example
 * const why = await diagnoseTemporal(settings); // 'Temporal at … : its certificate is not signed by …'
 */
export async function diagnoseTemporal(settings: TemporalSettings): Promise<string | undefined> {
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect(nativeConnectionOptions(settings));
    await connection.workflowService.getSystemInfo({});
    return undefined;
  } catch (error) {
    return describeTemporalFailure(error, settings);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * A failed connection described as well as can be: the error's own words when they say what
 * failed, otherwise what a native connection finds.
 *
 * @example
 * logger.error(await explainTemporalFailure(error, settings));
 */
export async function explainTemporalFailure(error: unknown, settings: TemporalSettings): Promise<string> {
  const described = describeTemporalFailure(error, settings);
  if (!/is unreachable/.test(described)) return described;
  return (await diagnoseTemporal(settings)) ?? described;
}
