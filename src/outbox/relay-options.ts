// The relay's settings and counters (see Relay in relay.ts).
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { AdmissionWindow } from './admission-window.js';

export interface RelayOptions {
  /** Pool for claim transactions (one connection per batch in flight). */
  pool: pg.Pool;
  /** Connection string for the dedicated LISTEN connection. */
  connectionString: string;
  client: Client;
  /**
   * Ask the server to hand each new workflow's first task straight back to this process's
   * worker (eager start: no trip through matching). Needs `client` on that worker's
   * NativeConnection (on any other connection it is not asked for); when the server declines,
   * the task goes through matching as usual.
   */
  eagerStart?: boolean;
  /** This database's installation id (outbox.installation): part of every workflow id. */
  installationId: string;
  taskQueue: string;
  batchSize: number;
  /**
   * Events of one tenant in one batch, at most (default defaultTenantShare: a fifth of the
   * tenant's window now, 10 of 50): the claim goes round the tenants with pending events, so one
   * tenant's flood cannot hold back the others.
   */
  tenantShare?: number;
  /**
   * The tenants' admission window and its budget (see admission-window.ts); what is absent comes
   * from DEFAULT_TENANT_WINDOW. `minUnfinished` equal to `maxUnfinished` turns the sharing off.
   */
  tenantWindow?: Partial<AdmissionWindow>;
  /**
   * While other tenants send, a tenant that took its whole share of a batch waits this long for
   * its next (default DEFAULT_TENANT_PACE_MS, 100; 0: never). See TenantPace.
   */
  tenantPaceMs?: number;
  /** Workflow starts in flight at once within a batch. */
  concurrency: number;
  /**
   * Batches claimed and not yet committed at once, each on its own connection and none sharing
   * a tenant (default DEFAULT_BATCHES_IN_FLIGHT, 2). 1 is the strict claim-start-commit loop.
   */
  batchesInFlight?: number;
  /** Fallback poll when no notification arrives (notifications can be missed while reconnecting). */
  pollIntervalMs: number;
  /**
   * A batch transaction idle this long (between its statements: while starting workflows, or
   * because the process is stopped or its host gone) is ended by PostgreSQL, so its row locks go
   * to other relays; its starts are idempotent, so the next claim just starts what is left.
   */
  batchTimeoutMs?: number;
  /** How long dead-lettered deliveries of the workflows it starts wait for an operator. */
  deadLetterHoldMs: number;
  /** Whether the namespace has the Outbox* search attributes now (absent: it has). */
  searchAttributes?: () => boolean;
  /**
   * Why Temporal does not answer now, or undefined when it does. After a batch whose starts
   * failed, the relay claims nothing more until this says it answers, and logs the reason once a
   * minute: rows it cannot start stay unclaimed (absent: it just backs off).
   */
  temporalUnreachable?: () => Promise<string | undefined>;
  /**
   * History events after which the workflows it starts continue as new while they wait (default
   * DEFAULT_HISTORY_LIMIT, 10 000; the server's own suggestion comes first when it makes one).
   */
  historyLimit?: number;
  logger: Logger;
  /** Where batch counts and durations go; a private registry when absent. */
  metrics?: EngineMetrics;
}

/** Counters since the relay started; read by tests, `/readyz` and (later) metrics. */
export interface RelayStats {
  batches: number;
  claimed: number;
  started: number;
  alreadyStarted: number;
  startFailures: number;
  /** Started workflows whose first task the server handed straight to this process (eager start). */
  eagerlyStarted: number;
  dispatched: number;
  /** Claimed events held, not started, because every endpoint they go to had an open breaker. */
  held: number;
  /** When the loop last completed an iteration (ms since epoch); 0 before the first. */
  lastLoopAt: number;
  /** The tenants sending, as last counted: they share the admission budget (0 before the first count). */
  tenantsSending: number;
}
