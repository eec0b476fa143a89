// Metrics, alerts, dashboard and readiness of a real `outbox start` process (PostgreSQL and the
// run's Temporal server, loopback sinks; outages made with loopback TCP proxies).
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { enqueueMany } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { freePort } from '../src/temporal/dev-server.js';
import { countEventsByStatus } from './helpers/count-events.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { metricNames, parsePrometheusText, sumOf, type Sample } from './helpers/prometheus-text.js';
import { spawnCli } from './helpers/run-cli.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

/** Metric names used in PromQL expressions (functions, labels and keywords are not outbox_/temporal_). */
function metricsIn(expression: string): string[] {
  return [...expression.matchAll(/\b((?:outbox|temporal)_[a-z0-9_]+)\b/g)].map((match) => match[1]!);
}

interface EngineProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

async function startEngineProcess(env: Record<string, string>): Promise<EngineProcess> {
  const port = await freePort();
  const child = spawnCli(['start'], { ...env, OUTBOX_HTTP_PORT: String(port), OUTBOX_RELAY_POLL_INTERVAL: '200ms' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout?.resume();
  return { child, port, stderr: () => stderr };
}

const readyz = async (port: number) => {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: { name: string; ok: boolean; error?: string }[] } };
};

describe('metrics, alerts and dashboard', () => {
  let database: TestDatabase;
  let good: WebhookSink;
  let bad: WebhookSink;
  let engine: EngineProcess;
  let samples: Sample[];
  let metricsText: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    good = await new WebhookSink().start();
    bad = await new WebhookSink().start();
    bad.responder = () => ({ status: 500 });
    const secret = generateWebhookSecret();
    await addSubscription(database.db, { name: 'good', events: '*', target: { kind: 'webhook', config: { url: good.url, secret } } });
    await addSubscription(database.db, {
      name: 'bad',
      events: 'm.flaky',
      target: { kind: 'webhook', config: { url: bad.url, secret } },
      retryPolicy: { maximumAttempts: 2, initialInterval: '1s' },
    });
    engine = await startEngineProcess({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('metrics'),
    });
    await waitFor(async () => (await readyz(engine.port)).status === 200, { what: 'the engine to be ready', describe: engine.stderr });

    const events = Array.from({ length: 200 }, (_, index) => ({
      tenant: 'metrics',
      type: index % 4 === 0 ? 'm.flaky' : 'm.ok',
      payload: { index },
      idempotencyKey: `m-${index}`,
    }));
    await enqueueMany(database.pool, events);
    await waitFor(
      async () => {
        const counts = await countEventsByStatus(database.db, { tenant: 'metrics' });
        return counts.delivered === 150 && counts.dead_lettered === 50;
      },
      {
        what: '150 events delivered and 50 dead-lettered',
        timeoutMs: 120_000,
        describe: async () => JSON.stringify(await countEventsByStatus(database.db, { tenant: 'metrics' })),
      },
    );
    const response = await fetch(`http://127.0.0.1:${engine.port}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    metricsText = await response.text();
    samples = parsePrometheusText(metricsText);
  });
  afterAll(async () => {
    engine?.child.kill('SIGKILL');
    await good?.stop();
    await bad?.stop();
    await database?.drop();
  });

  it('after 200 events with failures, the counters equal what the sinks and the tables say', async () => {
    const attempts = await database.db.selectFrom('outbox.deliveries').select(['outcome', 'error', 'subscription_id']).execute();
    const count = (outcome: string) => attempts.filter((row) => row.outcome === outcome).length;
    const badId = (await database.db.selectFrom('outbox.subscriptions').select('id').where('name', '=', 'bad').executeTakeFirstOrThrow()).id;
    const badAttempts = attempts.filter((row) => row.subscription_id === badId);
    expect(sumOf(samples, 'outbox_events_dispatched_total')).toBe(200);
    expect(sumOf(samples, 'outbox_events_dispatched_total', { event_type: 'm.flaky' })).toBe(50);
    expect(sumOf(samples, 'outbox_delivery_attempts_total', { subscription: 'good', outcome: 'delivered' })).toBe(good.requests.length);
    expect(good.requests.length).toBe(200);
    // Two attempts per flaky event; once the breaker opened, attempts failed fast without a request.
    expect(sumOf(samples, 'outbox_delivery_attempts_total', { subscription: 'bad' })).toBe(badAttempts.length);
    expect(badAttempts.length).toBe(100);
    expect(bad.requests.length).toBe(badAttempts.filter((row) => !row.error?.startsWith('circuit open')).length);
    expect(sumOf(samples, 'outbox_delivery_attempts_total', { outcome: 'retryable_failure' })).toBe(count('retryable_failure'));
    expect(sumOf(samples, 'outbox_events_finished_total', { status: 'delivered' })).toBe(150);
    expect(sumOf(samples, 'outbox_events_finished_total', { status: 'dead_lettered' })).toBe(50);
    expect(sumOf(samples, 'outbox_dead_letters_total', { subscription: 'bad' })).toBe(50);
    expect(sumOf(samples, 'outbox_dead_letters_open')).toBe(50);
    expect(sumOf(samples, 'outbox_events_pending')).toBe(0);
    expect(sumOf(samples, 'outbox_oldest_pending_age_seconds')).toBe(0);
    expect(sumOf(samples, 'outbox_worker_polling')).toBe(1);
    expect(sumOf(samples, 'outbox_workflow_start_failures_total')).toBe(0);
  });

  it('histograms count every attempt and every delivery, with no tenant or key labels', async () => {
    const attempts = await database.db.selectFrom('outbox.deliveries').select('id').execute();
    expect(sumOf(samples, 'outbox_delivery_attempt_duration_seconds_count')).toBe(attempts.length);
    expect(sumOf(samples, 'outbox_end_to_end_latency_seconds_count')).toBe(200);
    expect(sumOf(samples, 'outbox_end_to_end_latency_seconds_bucket', { le: '+Inf' })).toBe(200);
    expect(sumOf(samples, 'outbox_relay_batch_size_sum')).toBe(200);
    const labels = new Set(samples.filter((sample) => sample.name.startsWith('outbox_')).flatMap((sample) => Object.keys(sample.labels)));
    expect([...labels].filter((label) => /tenant|key|event_id/.test(label))).toEqual([]);
    expect(samples.some((sample) => sample.name.startsWith('temporal_'))).toBe(true);
    expect(samples.some((sample) => sample.name === 'process_resident_memory_bytes')).toBe(true);
  });

  it('every metric the alerts and the Grafana dashboard use is one the engine exports', async () => {
    // Exported: with samples now, or declared (# TYPE) with none yet, as a per-endpoint gauge is while nothing is in flight.
    const exported = new Set([...metricNames(samples), ...[...metricsText.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!)]);
    const alerts = parse(await readFile(new URL('../deploy/prometheus/alerts.yml', import.meta.url), 'utf8')) as {
      groups: { rules: { alert: string; expr: string; annotations: { summary: string; description: string } }[] }[];
    };
    const rules = alerts.groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert).sort()).toEqual([
      'OutboxCircuitOpen',
      'OutboxClientCertificateExpiring',
      'OutboxDeadLettersGrowing',
      'OutboxDeliveryErrorRateHigh',
      'OutboxRelayLagHigh',
      'OutboxRelayStalled',
      'OutboxWorkerNotPolling',
      'OutboxWorkflowStartsFailing',
    ]);
    for (const rule of rules) {
      expect(metricsIn(rule.expr).length, rule.alert).toBeGreaterThan(0);
      for (const metric of metricsIn(rule.expr)) expect(exported.has(metric), `${rule.alert} uses ${metric}`).toBe(true);
      expect(rule.annotations.description.length, `${rule.alert} says what to do`).toBeGreaterThan(20);
    }
    const dashboard = JSON.parse(await readFile(new URL('../deploy/grafana/outbox.json', import.meta.url), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const titles = dashboard.panels.map((panel) => panel.title).join(' | ');
    for (const topic of ['lag', 'Throughput', 'error rate', 'dead letters', 'latency', 'circuit breakers']) expect(titles).toContain(topic);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const metric of metricsIn(target.expr)) expect(exported.has(metric), `${panel.title} uses ${metric}`).toBe(true);
      }
    }
  });
});

describe('readiness', () => {
  it('/readyz goes not ready while PostgreSQL or Temporal is unreachable, and ready again after', async () => {
    const database = await createTestDatabase();
    const [host, port] = inject('temporalAddress').split(':') as [string, string];
    const pgProxy = await new TcpProxy('127.0.0.1', Number(new URL(database.url).port || 5432)).up();
    const temporalProxy = await new TcpProxy(host, Number(port)).up();
    const proxiedUrl = new URL(database.url);
    proxiedUrl.port = String(pgProxy.port);
    const engine = await startEngineProcess({
      DATABASE_URL: proxiedUrl.toString(),
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalProxy.port}`,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('ready'),
    });
    try {
      const failing = (name: string) => async () => {
        const result = await readyz(engine.port);
        return result.status === 503 && result.body.checks.find((check) => check.name === name)?.ok === false ? result : undefined;
      };
      const ready = async () => (await readyz(engine.port)).status === 200;
      await waitFor(ready, { what: 'the engine to be ready', describe: engine.stderr });

      await pgProxy.down();
      const noDatabase = await waitFor(failing('postgres'), { what: '/readyz to report PostgreSQL down' });
      expect(noDatabase.body.checks.find((check) => check.name === 'postgres')?.error).toBeTruthy();
      await pgProxy.up();
      await waitFor(ready, { what: '/readyz to recover with PostgreSQL', describe: async () => JSON.stringify((await readyz(engine.port)).body) });

      await temporalProxy.down();
      await waitFor(failing('temporal'), { what: '/readyz to report Temporal down' });
      await temporalProxy.up();
      await waitFor(ready, { what: '/readyz to recover with Temporal', describe: async () => JSON.stringify((await readyz(engine.port)).body) });
    } finally {
      engine.child.kill('SIGKILL');
      await pgProxy.down();
      await temporalProxy.down();
      await database.drop();
    }
  });
});
