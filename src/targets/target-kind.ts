/**
 * The targets room: where a delivery goes. This file is the contract every target kind
 * implements; target-registry.ts lists the kinds, one folder per kind (webhook/, kafka/, …);
 * http/ is the HTTP client with its egress guard; target-options.ts, target-connections.ts and
 * target-message.ts are the shared option schemas, connection pools and message shapes. May
 * import failures/, secrets/ and db/ (types); subscriptions/, activities/ and realtime/ import it.
 */
import type { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { TargetConnections } from './target-connections.js';
import type { TargetMessage } from './target-message.js';
import type { ActiveSigningKey } from './webhook/signing-key-ring.js';
import type { ClientTls } from '../egress/client-certificate-agents.js';
import type { AccessTokens } from './http/access-tokens.js';

/** What a target kind gets for one delivery attempt. */
export interface SendContext {
  /** Keep-alive HTTP pool for HTTP-based kinds; refuses private addresses (OUTBOX_ALLOW_PRIVATE_TARGETS widens it). */
  http: Dispatcher;
  /** The same, allowing any address: for subscriptions with `allowPrivateAddresses`. */
  httpAllowingPrivate: Dispatcher;
  /** The worker's pooled broker connections (checked against the same address policy). */
  connections: TargetConnections;
  /** Aborted at the attempt's timeout or when Temporal cancels the activity. */
  signal: AbortSignal;
  /** The value; for `env:NAME` the worker's environment variable; for a sealed value the secret inside (throws when it cannot be had). */
  secret(value: string): string;
  /** A keep-alive pool that presents this client certificate (mTLS), checked against the address policy as `http` is; absent where none can be made. */
  clientTls?(tls: ClientTls, allowPrivateAddresses: boolean): Dispatcher;
  /** The worker's OAuth2 tokens (client credentials), shared by every delivery; absent where none are fetched. */
  accessTokens?: AccessTokens;
  /** The engine's ed25519 keys that sign now (webhooks signing `v1a`), cached by the worker; absent where nothing signs that way. */
  signingKeys?(): Promise<ActiveSigningKey[]>;
  /** A saga step: HTTP kinds return the 2xx answer's body as `response` (its result). */
  captureResponse?: boolean;
}

/** What an attempt reports on success. */
export interface SendResult {
  /** HTTP status, for HTTP kinds. */
  statusCode?: number | null;
  /** The answer's body, when `captureResponse` asked for it. */
  response?: string;
}

/**
 * The delivery contract every target kind implements (one file per kind). `send` resolves when
 * the medium has accepted the message (2xx, publish ack, broker confirm) and throws a
 * DeliveryError otherwise; whether that is retried is decided in failures/classify-failure.ts.
 */
export interface TargetKind<Config = unknown> {
  readonly kind: string;
  /** Validates stored settings; secrets may be `env:NAME` references. */
  readonly configSchema: z.ZodType<Config>;
  /**
   * Settings that are secrets, as paths into the config (`*`: every key or item): they are
   * sealed before they are stored (secrets/secret-box.ts), never shown, and read at send time
   * through `context.secret`.
   */
  readonly secretPaths?: readonly string[];
  /** Rules across settings, checked when a subscription is saved (its schema checks each setting alone). */
  settingsIssues?(config: Config): { path: string[]; message: string }[];
  /** Where it goes, safe to print and log (no credentials); the circuit breaker's key too. */
  endpoint(config: Config): string;
  /** Per-attempt timeout. */
  timeoutMs(config: Config): number;
  send(context: SendContext, config: Config, message: TargetMessage): Promise<SendResult>;
  /**
   * Where the kind connects: URLs (`https://…`, `redis://…`, several NATS servers) or Kafka's
   * `host:port`, any of them possibly `env:NAME`, and whether the subscription may reach private
   * addresses (operator-only). Every kind that connects anywhere declares it: the addresses are
   * checked against the address policy when the subscription is saved, and again at every
   * connection (HTTP: the guarded agent; brokers: TargetConnections). `fields` names each
   * destination's setting (`target.config.url` when absent), for the refusal.
   */
  egress?(config: Config): { destinations: string[]; allowPrivateAddresses: boolean; fields?: string[] };
  /**
   * True when the delivery log row itself is the delivery (the realtime stream reads it), so it
   * must be written in commit order per tenant.
   */
  readonly deliveredByLog?: boolean;
}

/** Identity helper that keeps each kind's Config type while checking the contract. */
export function defineTargetKind<Config>(kind: TargetKind<Config>): TargetKind<Config> {
  return kind;
}
