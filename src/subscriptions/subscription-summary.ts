import type { SubscriptionRow } from '../db/database.js';
import { targetKindNamed } from '../targets/target-registry.js';
import { describeClientCertificate, type ClientCertificateSummary } from '../targets/webhook/client-certificate.js';
import { maskedSecrets, type MaskedSecret } from './seal-target-secrets.js';
import { flowControlSchema, storedRetryPolicySchema, type FlowControlSettings, type RetryPolicy } from './subscription-schema.js';

/** A subscription as listed to operators: no secrets, URL redacted. */
export interface SubscriptionSummary {
  id: string;
  name: string;
  tenant: string;
  events: string;
  targetKind: string;
  target: string;
  /** The target's secret settings, masked: each field and how it is kept (encrypted, environment or clear); never a value. */
  secrets: MaskedSecret[];
  /** The client certificate the target presents (mTLS): subject, issuer, fingerprint, expiry; null without one. */
  clientCertificate: ClientCertificateSummary | null;
  retryPolicy: RetryPolicy;
  /** Rate limit and in-flight cap; empty when unlimited. */
  flowControl: FlowControlSettings;
  /** Events of one tenant + aggregate are delivered one at a time, in commit order. */
  ordered: boolean;
  /** Only events matching it are delivered; null: every event. */
  filter: Record<string, unknown> | null;
  enabled: boolean;
  /** Why it is disabled (by an operator, or by the engine after its endpoint failed for days). */
  disabledReason: string | null;
  createdAt: Date;
}

/** A summary's `target` when the stored settings do not parse. */
export const INVALID_TARGET = '(invalid settings)';

/** Where a subscription delivers, safe to show (the kind's own endpoint description). */
function describeTarget(row: SubscriptionRow): string {
  const kind = targetKindNamed(row.target_kind);
  const parsed = kind?.configSchema.safeParse(row.target_config);
  return kind && parsed?.success ? kind.endpoint(parsed.data) : INVALID_TARGET;
}

/** The target's client certificate as reads show it (read from the stored PEM even when other settings are invalid, e.g. it expired). */
function clientCertificateOf(row: SubscriptionRow): ClientCertificateSummary | null {
  const cert = (row.target_config as { tls?: { cert?: unknown } } | null)?.tls?.cert;
  return typeof cert === 'string' ? (describeClientCertificate(cert) ?? null) : null;
}

/** A stored row as reads show it: settings parsed, secrets masked, the certificate described. */
export function summarise(row: SubscriptionRow): SubscriptionSummary {
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant_id,
    events: row.event_pattern,
    targetKind: row.target_kind,
    target: describeTarget(row),
    secrets: maskedSecrets(row.target_kind, row.target_config),
    clientCertificate: clientCertificateOf(row),
    retryPolicy: storedRetryPolicySchema.parse(row.retry_policy),
    flowControl: flowControlSchema.catch({}).parse(row.flow_control ?? {}),
    ordered: row.ordered,
    filter: (row.filter as Record<string, unknown> | null) ?? null,
    enabled: row.enabled,
    disabledReason: row.enabled ? null : row.disabled_reason,
    createdAt: row.created_at,
  };
}
