/**
 * The metrics room: the Prometheus registry and every metric the engine exports, and the
 * database figures its gauges read. May import db/ only.
 */
import { sql, type Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import { readLiveFigures, type LiveFigures } from './read-live-figures.js';
import { registerEndpointPaceGauges, type PaceLine } from './endpoint-pace-gauges.js';

// Labels are event types, target kinds, subscription names and outcomes. Event types come from
// applications and subscription names from tenants, so both are bounded here: the first
// `maxEventTypes` / `maxSubscriptions` seen keep their name, later ones share "other" (see
// eventTypeLabel, subscriptionLabel). Tenant ids and idempotency keys are never labels.

/** Seconds buckets from 5 ms to 10 min: delivery attempts and end-to-end latency. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

export interface EngineMetricsOptions {
  /** Reads backlog, lag, dead letters and breaker states on each scrape; none when absent. */
  db?: Kysely<Database>;
  /** The Temporal SDK's own Prometheus endpoint, appended to this one's output. */
  temporalMetricsUrl?: string;
  /** Node process metrics (CPU, memory, event loop); on for the engine, off for tests. */
  processMetrics?: boolean;
  /** Distinct event types kept as label values (OUTBOX_METRICS_MAX_EVENT_TYPES); the rest are "other". */
  maxEventTypes?: number;
  /** Distinct subscription names kept as label values (OUTBOX_METRICS_MAX_SUBSCRIPTIONS); the rest are "other". */
  maxSubscriptions?: number;
}

/** Default of OUTBOX_METRICS_MAX_SUBSCRIPTIONS. */
export const DEFAULT_MAX_SUBSCRIPTION_LABELS = 200;

/** Default of OUTBOX_METRICS_MAX_EVENT_TYPES. */
export const DEFAULT_MAX_EVENT_TYPE_LABELS = 100;

/**
 * The engine's Prometheus metrics, one registry per process: counters and histograms updated by
 * the relay and the activities, gauges read from PostgreSQL at scrape time, and the Temporal
 * worker's metrics appended. Served at `/metrics`.
 *
 * @example
 * const metrics = new EngineMetrics({ db, processMetrics: true });
 * metrics.deliveryAttempts.inc({ event_type: 'order.created', target_kind: 'webhook', subscription: 'erp', outcome: 'delivered' });
 * const text = await metrics.render();
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly eventTypes = new Set<string>();
  private readonly subscriptionNames = new Set<string>();
  private readonly paceSources: (() => PaceLine[])[] = [];

  readonly eventsDispatched = new Counter({
    name: 'outbox_events_dispatched_total',
    help: 'Committed events handed to Temporal by the relay (each event once): the enqueue rate as the engine sees it.',
    labelNames: ['event_type'] as const,
    registers: [this.registry],
  });
  readonly workflowStartFailures = new Counter({
    name: 'outbox_workflow_start_failures_total',
    help: 'Workflow starts that failed (the event stays pending and is retried).',
    registers: [this.registry],
  });
  readonly relayLoopDuration = new Histogram({
    name: 'outbox_relay_batch_duration_seconds',
    help: 'Time to claim a batch, start its workflows and mark it dispatched.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly relayBatchSize = new Histogram({
    name: 'outbox_relay_batch_size',
    help: 'Events claimed per relay batch.',
    buckets: [0, 1, 5, 10, 25, 50, 100, 200, 500, 1000, 5000],
    registers: [this.registry],
  });
  readonly relayLastLoop = new Gauge({
    name: 'outbox_relay_last_loop_timestamp_seconds',
    help: 'When the relay loop last completed an iteration (Unix seconds); stalls show as a growing age.',
    registers: [this.registry],
  });
  readonly tenantsSending = new Gauge({
    name: 'outbox_tenants_sending',
    help: 'Tenants with an event started within the admission window, as this relay last counted them: they share the admission budget (OUTBOX_TENANT_MAX_UNFINISHED).',
    registers: [this.registry],
  });
  readonly tenantWindow = new Gauge({
    name: 'outbox_tenant_window_events',
    help: "Each tenant's admission window now: its unfinished events started within OUTBOX_TENANT_WINDOW, at most; further events wait in PostgreSQL (the budget shared by the tenants sending, see README Flow control).",
    registers: [this.registry],
  });
  readonly deliveryAttempts = new Counter({
    name: 'outbox_delivery_attempts_total',
    help: 'Delivery attempts by outcome: delivered, retryable_failure, permanent_failure.',
    labelNames: ['event_type', 'target_kind', 'subscription', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly deliveryAttemptDuration = new Histogram({
    name: 'outbox_delivery_attempt_duration_seconds',
    help: 'Duration of one delivery attempt (connect, send, answer).',
    labelNames: ['target_kind', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly endToEndLatency = new Histogram({
    name: 'outbox_end_to_end_latency_seconds',
    help: 'From the event row being written to its delivery being accepted by the target.',
    labelNames: ['event_type', 'target_kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly eventsFinished = new Counter({
    name: 'outbox_events_finished_total',
    help: 'Events reaching a status: delivered, dead_lettered, discarded, expired, compensated.',
    labelNames: ['event_type', 'status'] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'outbox_dead_letters_total',
    help: 'Deliveries dead-lettered (policy exhausted or refused for good).',
    labelNames: ['event_type', 'subscription'] as const,
    registers: [this.registry],
  });

  readonly firstPassDeferred = new Counter({
    name: 'outbox_first_pass_deferred_total',
    help: 'First attempts sent as a regular activity instead of in the first pass, because the endpoint was slow or busy (see README Flow control).',
    labelNames: ['subscription', 'reason'] as const,
    registers: [this.registry],
  });

  /** This worker's endpoint pace per subscription id: sends in flight (first-pass, all), held back (slow or busy). */
  watchEndpointPace(snapshot: () => PaceLine[]): void {
    // Several workers in one process (the legacy queue's too) add to the same two gauges.
    this.paceSources.push(snapshot);
    if (this.paceSources.length > 1) return;
    const sources = this.paceSources;
    registerEndpointPaceGauges(this.registry, () => sources.flatMap((source) => source()));
  }

  /**
   * The `event_type` label value for an event type: itself for the first `maxEventTypes` types
   * this process sees, "other" afterwards, so an application inventing types cannot grow the
   * series without bound.
   *
   * @example
   * metrics.eventsDispatched.inc({ event_type: metrics.eventTypeLabel('order.created') });
   */
  eventTypeLabel(eventType: string): string {
    if (this.eventTypes.has(eventType)) return eventType;
    if (this.eventTypes.size >= (this.options.maxEventTypes ?? DEFAULT_MAX_EVENT_TYPE_LABELS)) return 'other';
    this.eventTypes.add(eventType);
    return eventType;
  }

  /**
   * The `subscription` label value for a subscription name: itself for the first
   * `maxSubscriptions` names this process sees, "other" afterwards (tenants name their own
   * subscriptions, so names cannot be trusted to stay few).
   *
   * @example
   * metrics.deadLetters.inc({ event_type: 'order.created', subscription: metrics.subscriptionLabel('erp') });
   */
  subscriptionLabel(name: string): string {
    if (this.subscriptionNames.has(name)) return name;
    if (this.subscriptionNames.size >= (this.options.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTION_LABELS)) return 'other';
    this.subscriptionNames.add(name);
    return name;
  }

  constructor(private readonly options: EngineMetricsOptions = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    const db = options.db;
    if (!db) return;
    // Gauges read at scrape time: the truth is in PostgreSQL, shared by every engine process.
    // One statement per scrape (the same index-only reads as `outbox status --watch`), shared
    // by the gauges below.
    let reading: { at: number; figures: Promise<LiveFigures> } | undefined;
    const figures = () => {
      if (!reading || Date.now() - reading.at > 1_000) reading = { at: Date.now(), figures: readLiveFigures(db) };
      return reading.figures;
    };
    const fromFigures = (name: string, help: string, pick: (figures: LiveFigures) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set(pick(await figures()));
        },
      });
    fromFigures('outbox_events_pending', 'Committed events not yet handed to Temporal (the relay backlog).', (f) => f.pending);
    fromFigures(
      'outbox_events_held',
      'Pending events held in PostgreSQL, not started, because every endpoint they go to has an open circuit breaker (counted in outbox_events_pending too).',
      (f) => f.held,
    );
    fromFigures('outbox_oldest_pending_age_seconds', 'Age of the oldest pending event: the relay lag (0 when none is pending).', (f) =>
      f.pending === 0 ? 0 : f.lagSeconds,
    );
    fromFigures('outbox_dead_letters_open', 'Dead letters waiting for an operator (retry or discard).', (f) => f.openDeadLetters);
    fromFigures(
      'outbox_subscriptions_disabled',
      'Subscriptions turned off (by an operator, by a 410 Gone, or after their endpoint failed for too long).',
      (f) => f.disabledSubscriptions,
    );
    new Gauge({
      name: 'outbox_circuit_breakers',
      help: 'Endpoints by circuit breaker state (closed, open, half_open).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await db
          .selectFrom('outbox.circuit_breakers')
          .select(['state', sql<string>`count(*)`.as('n')])
          .groupBy('state')
          .execute();
        this.reset();
        for (const state of ['closed', 'open', 'half_open']) this.set({ state }, Number(rows.find((row) => row.state === state)?.n ?? 0));
      },
    });
  }

  /** Exposes `outbox_worker_polling`: 1 while this process's Temporal worker is running. */
  watchWorker(state: () => string): void {
    this.readAtScrape('outbox_worker_polling', "Whether this process's Temporal worker is running and polling (1) or not (0).", () =>
      Promise.resolve(state() === 'RUNNING' ? 1 : 0),
    );
  }

  /** A gauge read at scrape time from what another room knows (e.g. `outbox_client_certificates_expiring`). */
  readAtScrape(name: string, help: string, read: () => Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect: async function () {
        this.set(await read());
      },
    });
  }

  /** Content type of {@link EngineMetrics.render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text: this registry, then the Temporal SDK's metrics when configured. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    const url = this.options.temporalMetricsUrl;
    if (!url) return own;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return `${own}\n${await response.text()}`;
    } catch (error) {
      return `${own}\n# Temporal SDK metrics unavailable: ${(error as Error).message}\n`;
    }
  }
}
