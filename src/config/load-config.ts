/**
 * The config room: the engine's settings, read from the environment (and flags) and checked
 * in one place, with the error naming the variable. May import outbox/ and temporal/ (for their
 * defaults and key parsing), durations/ and egress/; engine/ and cli/ import it.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { admissionWindowOf, DEFAULT_TENANT_WINDOW, type AdmissionWindow } from '../outbox/admission-window.js';
import { DEFAULT_TENANT_PACE_MS } from '../outbox/tenant-pace.js';
import type { RelayOptions } from '../outbox/relay-options.js';
import { parseEncryptionKeys, type EncryptionKeys } from '../temporal/encryption-codec.js';
import { AddressPolicy } from '../egress/address-policy.js';
import { parseEgressProxy, type EgressProxy } from '../egress/egress-proxy.js';
import { durationMs } from '../durations/duration.js';
import { ConfigError } from './config-error.js';

export { ConfigError } from './config-error.js';

const integer = (min: number, max: number) => {
  const error = `expected an integer between ${min} and ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, { error: 'expected host:port, e.g. 127.0.0.1:7233' });

const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
  error: 'expected a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/postgres',
});

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'outbox');
}

/** Every environment variable the engine reads, with its default. The README's table mirrors this. */
/** `id:base64key[,…]` (OUTBOX_PAYLOAD_KEYS, OUTBOX_SECRET_KEYS): errors name the key id, never a key. */
const encryptionKeysSchema = z
  .string()
  .optional()
  .superRefine((value, context) => {
    if (value === undefined) return;
    try {
      parseEncryptionKeys(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const environmentSchema = z.object({
  DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/postgres'),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).optional(),
  // Read by @temporalio/envconfig as every SDK and the CLI read them, and checked by
  // config/load-temporal-settings.ts (files, key against certificate, expiry); listed here so
  // the reference names them.
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' }).optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: z.string().optional(),
  TEMPORAL_CONFIG_FILE: z.string().min(1).optional(),
  TEMPORAL_PROFILE: z.string().min(1).optional(),
  OUTBOX_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  OUTBOX_HTTP_PORT: integer(0, 65535).default(8080),
  OUTBOX_HTTP_MAX_CONNECTIONS: integer(1, 100_000).default(1_000),
  OUTBOX_METRICS_MAX_EVENT_TYPES: integer(1, 100_000).default(100),
  OUTBOX_METRICS_MAX_SUBSCRIPTIONS: integer(1, 100_000).default(200),
  OUTBOX_RELAY_BATCH_SIZE: integer(1, 5000).default(200),
  OUTBOX_RELAY_CONCURRENCY: integer(1, 1000).default(64),
  OUTBOX_RELAY_BATCHES_IN_FLIGHT: integer(1, 8).default(2),
  OUTBOX_RELAY_TENANT_SHARE: integer(1, 5000).optional(),
  OUTBOX_TENANT_MAX_UNFINISHED: integer(1, 1_000_000).default(DEFAULT_TENANT_WINDOW.maxUnfinished),
  OUTBOX_TENANT_MIN_UNFINISHED: integer(1, 1_000_000).optional(),
  OUTBOX_TENANT_WINDOW: durationMs.default(DEFAULT_TENANT_WINDOW.windowMs),
  OUTBOX_TENANT_PACE: durationMs.default(DEFAULT_TENANT_PACE_MS),
  OUTBOX_RELAY_POLL_INTERVAL: durationMs.default(1000),
  OUTBOX_RELAY_BATCH_TIMEOUT: durationMs.default(30_000),
  OUTBOX_RELAY_EAGER_START: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  OUTBOX_WORKFLOW_STACK_TRACES: z.enum(['on', 'off'], { error: 'expected on or off' }).default('off'),
  OUTBOX_DB_STATEMENT_TIMEOUT: durationMs.default(60_000),
  OUTBOX_DEAD_LETTER_HOLD: durationMs.default(30 * 24 * 60 * 60_000),
  OUTBOX_DEV_TEMPORAL_PORT: integer(1, 65535).default(7233),
  OUTBOX_DEV_TEMPORAL_UI_PORT: integer(1, 65535).default(8233),
  OUTBOX_DEV_TEMPORAL_DB: z.string().min(1).optional(),
  OUTBOX_BREAKER_FAILURE_THRESHOLD: integer(1, 10_000).default(10),
  OUTBOX_BREAKER_COOLDOWN: durationMs.default(30_000),
  OUTBOX_ENDPOINT_DISABLE_AFTER: durationMs.default(5 * 24 * 60 * 60_000),
  OUTBOX_REALTIME_SECRET: z.string().min(32, { error: 'must be at least 32 characters (e.g. openssl rand -base64 32)' }).optional(),
  OUTBOX_REALTIME_ALLOWED_ORIGINS: z.string().optional(),
  OUTBOX_RETENTION: durationMs.optional(),
  OUTBOX_TRACING: z.enum(['off', 'otlp'], { error: 'expected off or otlp' }).default('off'),
  OUTBOX_PAYLOAD_KEYS: encryptionKeysSchema,
  OUTBOX_SECRET_KEYS: encryptionKeysSchema,
  OUTBOX_CODEC_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  OUTBOX_CODEC_ALLOWED_ORIGINS: z.string().optional(),
  OUTBOX_CODEC_JWKS_URL: z
    .url({ error: "expected the JWKS URL of the tokens to accept, e.g. Temporal Cloud's https://login.tmprl.cloud/.well-known/jwks.json" })
    .optional(),
  OUTBOX_CODEC_JWT_AUDIENCE: z.string().min(1).optional(),
  OUTBOX_CODEC_JWT_ISSUER: z.string().min(1).optional(),
  OUTBOX_CONSOLE_URL: z.url({ error: "expected the console's public URL, e.g. https://outbox.example.com/console/" }).optional(),
  OUTBOX_TEMPORAL_UI_URL: z.url({ error: "expected the Temporal UI's URL, e.g. http://127.0.0.1:8233" }).optional(),
  OUTBOX_CLEANUP_INTERVAL: durationMs.default(60 * 60_000),
  OUTBOX_EGRESS_PROXY: z
    .string()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      try {
        parseEgressProxy(value, undefined);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  OUTBOX_EGRESS_NO_PROXY: z.string().optional(),
  OUTBOX_ALLOW_PRIVATE_TARGETS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return { policy: AddressPolicy.parse(value), set: value !== undefined };
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `${(error as Error).message}; give all, loopback, IPs, CIDR ranges or host names, comma-separated` });
        return z.NEVER;
      }
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Variables whose values are never echoed in errors. */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'OUTBOX_REALTIME_SECRET',
  'OUTBOX_PAYLOAD_KEYS',
  'OUTBOX_SECRET_KEYS',
  'OUTBOX_EGRESS_PROXY',
  'OUTBOX_CODEC_TOKEN',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
]);

/** Names of every environment variable the engine reads. */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

/** The engine's configuration, parsed from the environment. */
export interface EngineConfig {
  databaseUrl: string;
  /** Absent: `dev`/`start` run an embedded Temporal dev server. */
  temporalAddress: string | undefined;
  temporalNamespace: string;
  /**
   * TEMPORAL_TASK_QUEUE, when set; otherwise each installation uses its own queue
   * (`outbox-delivery-<installation id>`, see taskQueueOf).
   */
  taskQueue: string | undefined;
  /** The engine's HTTP port; `maxConnections` caps open connections (SSE clients included). */
  http: { host: string; port: number; maxConnections: number };
  /** Distinct event types kept as metric label values; later ones are labelled "other". */
  metrics: { maxEventTypes: number; maxSubscriptions: number };
  /** The relay's settings, as RelayOptions documents them (`tenantShare` unset: a fifth of the tenant's window). */
  relay: Required<Pick<RelayOptions, 'batchSize' | 'tenantPaceMs' | 'concurrency' | 'batchesInFlight' | 'pollIntervalMs' | 'batchTimeoutMs' | 'eagerStart'>> & {
    tenantShare: number | undefined;
    tenantWindow: AdmissionWindow;
  };
  /** Longest an engine statement may run (OUTBOX_DB_STATEMENT_TIMEOUT). */
  statementTimeoutMs: number;
  /** How long a dead-lettered delivery waits for an operator's retry or discard. */
  deadLetterHoldMs: number;
  realtime: { secret: string | undefined; allowedOrigins: string[] };
  /** Circuit breakers per endpoint, and auto-disable of endpoints failing for days (0: never). */
  breaker: { failureThreshold: number; cooldownMs: number; disableAfterMs: number };
  /** OUTBOX_WORKFLOW_STACK_TRACES: the SDK's per-promise stack capture, for the UI's Stack Trace tab (see DeliveryWorker). */
  workflowStackTraces: boolean;
  /** `recordFile`: where the embedded server's pid is kept, to find one an earlier engine left behind. */
  devServer: { port: number; uiPort: number; dbFile: string | undefined; recordFile: string };
  /** Automatic cleanup of finished rows (relay processes): off while `retentionMs` is undefined. */
  retention: { retentionMs: number | undefined; intervalMs: number };
  /** `otlp`: OpenTelemetry traces exported with OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracing: 'off' | 'otlp';
  /** OUTBOX_PAYLOAD_KEYS: encrypt Temporal payloads (AES-256-GCM) when set. */
  payloadKeys: EncryptionKeys | undefined;
  /** OUTBOX_SECRET_KEYS (else OUTBOX_PAYLOAD_KEYS): seal subscription secrets at rest; undefined: stored in clear. */
  secretKeys: EncryptionKeys | undefined;
  /** The /codec endpoint for the Temporal UI and CLI: its bearer token and CORS origins. */
  codec: { token: string | undefined; allowedOrigins: string[]; jwksUrl: string | undefined; jwtAudience: string | undefined; jwtIssuer: string | undefined };
  /** The web console: its public URL for portal links, and the Temporal UI it links workflows to (`dev`: the embedded one's). */
  console: { url: string; temporalUiUrl: string | undefined };
  /**
   * OUTBOX_ALLOW_PRIVATE_TARGETS: which private addresses HTTP targets may reach (none by
   * default); `explicit` is false when the variable is unset (`outbox dev` then allows loopback).
   */
  targets: { addressPolicy: AddressPolicy; explicit: boolean; proxy: EgressProxy | undefined };
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
}

const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * Reads and validates the engine's environment variables. A bad value throws a
 * {@link ConfigError} whose one-line message names the variable and what was expected.
 *
 * @example
 * const config = loadConfig(process.env);
 * console.log(config.databaseUrl);
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  // An empty variable (FOO=) is treated as unset, as shells and compose files often produce them.
  const present = Object.fromEntries(
    Object.keys(environmentSchema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const result = environmentSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const shown = SECRET_VARIABLES.has(variable) ? '(value hidden: it is a secret)' : JSON.stringify(present[variable]);
    throw new ConfigError(
      `Invalid environment variable ${variable}=${shown}: ${issue?.message ?? 'invalid value'}. Fix it or unset it to use the default.`,
      variable,
    );
  }
  const values = result.data;
  const { OUTBOX_TENANT_MAX_UNFINISHED: tenantBudget, OUTBOX_TENANT_MIN_UNFINISHED: tenantMinimum } = values;
  if (tenantMinimum !== undefined && tenantMinimum > tenantBudget) {
    const message = `Invalid environment variable OUTBOX_TENANT_MIN_UNFINISHED=${tenantMinimum}: must not exceed OUTBOX_TENANT_MAX_UNFINISHED (${tenantBudget}), the budget it is a part of. Lower it or raise the budget.`;
    throw new ConfigError(message, 'OUTBOX_TENANT_MIN_UNFINISHED');
  }
  const devDb = values.OUTBOX_DEV_TEMPORAL_DB ?? join(defaultDataDir(env), 'temporal-dev.db');
  return {
    databaseUrl: values.DATABASE_URL,
    temporalAddress: values.TEMPORAL_ADDRESS,
    temporalNamespace: values.TEMPORAL_NAMESPACE,
    taskQueue: values.TEMPORAL_TASK_QUEUE,
    http: { host: values.OUTBOX_HTTP_HOST, port: values.OUTBOX_HTTP_PORT, maxConnections: values.OUTBOX_HTTP_MAX_CONNECTIONS },
    metrics: { maxEventTypes: values.OUTBOX_METRICS_MAX_EVENT_TYPES, maxSubscriptions: values.OUTBOX_METRICS_MAX_SUBSCRIPTIONS },
    relay: {
      batchSize: values.OUTBOX_RELAY_BATCH_SIZE,
      tenantShare: values.OUTBOX_RELAY_TENANT_SHARE,
      tenantWindow: admissionWindowOf(tenantBudget, tenantMinimum, values.OUTBOX_TENANT_WINDOW),
      tenantPaceMs: values.OUTBOX_TENANT_PACE,
      concurrency: values.OUTBOX_RELAY_CONCURRENCY,
      batchesInFlight: values.OUTBOX_RELAY_BATCHES_IN_FLIGHT,
      pollIntervalMs: values.OUTBOX_RELAY_POLL_INTERVAL,
      batchTimeoutMs: values.OUTBOX_RELAY_BATCH_TIMEOUT,
      eagerStart: values.OUTBOX_RELAY_EAGER_START === 'on',
    },
    statementTimeoutMs: values.OUTBOX_DB_STATEMENT_TIMEOUT,
    deadLetterHoldMs: values.OUTBOX_DEAD_LETTER_HOLD,
    breaker: {
      failureThreshold: values.OUTBOX_BREAKER_FAILURE_THRESHOLD,
      cooldownMs: values.OUTBOX_BREAKER_COOLDOWN,
      disableAfterMs: values.OUTBOX_ENDPOINT_DISABLE_AFTER,
    },
    workflowStackTraces: values.OUTBOX_WORKFLOW_STACK_TRACES === 'on',
    realtime: { secret: values.OUTBOX_REALTIME_SECRET, allowedOrigins: commaList(values.OUTBOX_REALTIME_ALLOWED_ORIGINS) },
    devServer: {
      port: values.OUTBOX_DEV_TEMPORAL_PORT,
      uiPort: values.OUTBOX_DEV_TEMPORAL_UI_PORT,
      dbFile: devDb === 'memory' ? undefined : devDb,
      recordFile: join(defaultDataDir(env), `temporal-dev-${values.OUTBOX_DEV_TEMPORAL_PORT}.json`),
    },
    retention: { retentionMs: values.OUTBOX_RETENTION, intervalMs: values.OUTBOX_CLEANUP_INTERVAL },
    tracing: values.OUTBOX_TRACING,
    payloadKeys: values.OUTBOX_PAYLOAD_KEYS === undefined ? undefined : parseEncryptionKeys(values.OUTBOX_PAYLOAD_KEYS),
    secretKeys:
      (values.OUTBOX_SECRET_KEYS ?? values.OUTBOX_PAYLOAD_KEYS) === undefined
        ? undefined
        : parseEncryptionKeys((values.OUTBOX_SECRET_KEYS ?? values.OUTBOX_PAYLOAD_KEYS)!),
    codec: {
      token: values.OUTBOX_CODEC_TOKEN,
      allowedOrigins: commaList(values.OUTBOX_CODEC_ALLOWED_ORIGINS),
      jwksUrl: values.OUTBOX_CODEC_JWKS_URL,
      jwtAudience: values.OUTBOX_CODEC_JWT_AUDIENCE,
      jwtIssuer: values.OUTBOX_CODEC_JWT_ISSUER,
    },
    // Portal links are built from this, never from a request's Host header (which anyone can forge).
    console: {
      url: values.OUTBOX_CONSOLE_URL ?? `http://${values.OUTBOX_HTTP_HOST}:${values.OUTBOX_HTTP_PORT}/console/`,
      temporalUiUrl: values.OUTBOX_TEMPORAL_UI_URL,
    },
    targets: {
      proxy: values.OUTBOX_EGRESS_PROXY === undefined ? undefined : parseEgressProxy(values.OUTBOX_EGRESS_PROXY, values.OUTBOX_EGRESS_NO_PROXY),
      addressPolicy: values.OUTBOX_ALLOW_PRIVATE_TARGETS?.policy ?? AddressPolicy.strict,
      explicit: values.OUTBOX_ALLOW_PRIVATE_TARGETS?.set === true,
    },
    logLevel: values.LOG_LEVEL,
  };
}
