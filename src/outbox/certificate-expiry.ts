import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { emitOperationalEvent, OPERATIONAL_EVENT } from '../activities/operational-events.js';
import { describeClientCertificate } from '../targets/webhook/client-certificate.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';

/** A subscription whose client certificate expires within CERTIFICATE_WARNING_DAYS, or has expired. */
export interface ExpiringCertificate {
  subscriptionId: string;
  subscription: string;
  tenant: string;
  subject: string;
  fingerprint: string;
  expiresAt: string;
}

/**
 * The client certificates (mTLS) that expire within 14 days or have expired, soonest first, among
 * the subscriptions `db` may see (a tenant's scoped transaction sees its own).
 *
 * @example
 * for (const soon of await readExpiringCertificates(db)) console.log(soon.subscription, soon.expiresAt);
 */
export async function readExpiringCertificates(db: Kysely<Database>, now = Date.now()): Promise<ExpiringCertificate[]> {
  const { rows } = await sql<{ id: string; name: string; tenant_id: string; cert: string }>`
    SELECT id::text, name, tenant_id, target_config #>> '{tls,cert}' AS cert
      FROM outbox.subscriptions WHERE target_config #>> '{tls,cert}' IS NOT NULL ORDER BY id`.execute(db);
  return rows
    .flatMap((row) => {
      const certificate = describeClientCertificate(row.cert, now);
      if (!certificate?.expiresSoon) return [];
      const { subject, fingerprint, expiresAt } = certificate;
      return [{ subscriptionId: row.id, subscription: row.name, tenant: row.tenant_id, subject, fingerprint, expiresAt }];
    })
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

/**
 * Exposes `outbox_client_certificates_expiring` in `metrics`, read from PostgreSQL at each scrape.
 *
 * @example
 * gaugeExpiringCertificates(metrics, db);
 */
export function gaugeExpiringCertificates(metrics: EngineMetrics, db: Kysely<Database>): void {
  const help = 'Client certificates (mTLS) of subscriptions that expire within 14 days or have expired: renew them.';
  metrics.readAtScrape('outbox_client_certificates_expiring', help, async () => (await readExpiringCertificates(db)).length);
}

/**
 * Tells each expiring certificate's endpoint owner once: an `outbox.endpoint.certificate_expiring`
 * operational event of the subscription's tenant (keyed by subscription and fingerprint, so a
 * certificate is reported once however often this runs, and its renewal is reported afresh).
 * Subscriptions for every tenant (`*`) belong to operators, who have the metric and overview.
 *
 * @example
 * await reportExpiringCertificates(db); // { reported: 1 }
 */
export async function reportExpiringCertificates(db: Kysely<Database>, now = Date.now()): Promise<{ expiring: number }> {
  const expiring = await readExpiringCertificates(db, now);
  for (const soon of expiring.filter((entry) => entry.tenant !== '*')) {
    await emitOperationalEvent(
      db,
      { tenant: soon.tenant, eventType: 'subscription.settings' },
      OPERATIONAL_EVENT.certificateExpiring,
      `${soon.subscriptionId}:${soon.fingerprint}`,
      { subscription: soon.subscription, subscriptionId: soon.subscriptionId, subject: soon.subject, fingerprint: soon.fingerprint, expiresAt: soon.expiresAt },
    );
  }
  return { expiring: expiring.length };
}

/**
 * Runs reportExpiringCertificates every `intervalMs` (hourly by default) in relay processes; a
 * failure is logged and tried again at the next run.
 *
 * @example
 * const watch = new CertificateExpiryWatch(db, logger); watch.start(); … watch.stop();
 */
export class CertificateExpiryWatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    private readonly intervalMs = 60 * 60_000,
  ) {}

  start(firstRunAfterMs = 30_000): void {
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => {
        if (this.timer) this.start(this.intervalMs);
      });
    }, firstRunAfterMs);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    try {
      const { expiring } = await reportExpiringCertificates(this.db);
      if (expiring > 0) this.logger.warn({ expiring }, 'client certificates expire within 14 days: see GET /v1/overview (expiringCertificates) and renew them');
    } catch (error) {
      this.logger.warn({ err: error }, 'checking client certificates for expiry failed; it runs again in an hour');
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
