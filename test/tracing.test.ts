// One OpenTelemetry trace from the application's transaction through the relay, the workflow and
// each delivery, against real PostgreSQL and the run's Temporal server (in-memory span exporter).
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../src/outbox/relay.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { setUpTracing, type Tracing } from '../src/tracing/set-up-tracing.js';
import { connectTemporal, createTestRelay, startTestWorker, uniqueTaskQueue, type RunningWorker, type TemporalHandles } from './helpers/engine-harness.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

/** Spans of a delivery attempt: the first pass's, or a regular deliver activity's. */
const DELIVERY_SPANS = ['outbox.deliver', 'RunActivity:deliver'];

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let database: TestDatabase;
  let temporal: TemporalHandles;
  let worker: RunningWorker;
  let relay: Relay;
  let sink: WebhookSink;

  beforeAll(async () => {
    tracing = setUpTracing({ exporter, serviceName: 'outbox-test' });
    const taskQueue = uniqueTaskQueue('tracing');
    [database, temporal] = await Promise.all([createTestDatabase(), connectTemporal()]);
    sink = await new WebhookSink().start();
    const secret = generateWebhookSecret();
    await addSubscription(database.db, { name: 'erp', events: 'order.*', target: { kind: 'webhook', config: { url: sink.url, secret } } });
    await addSubscription(database.db, { name: 'crm', events: 'order.*', target: { kind: 'webhook', config: { url: sink.url, secret } } });
    worker = await startTestWorker(database, taskQueue, { tracing });
    const client = new Client({ connection: temporal.connection, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
    relay = createTestRelay(database, client, taskQueue);
    relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await worker?.stop();
    await sink?.stop();
    await temporal?.close();
    await database?.drop();
    await tracing?.shutdown();
  });

  it('one trace runs from enqueue through the relay and the workflow to each delivery, with the correlation id', async () => {
    const tracer = trace.getTracer('test-app');
    const traceId = await tracer.startActiveSpan('app.checkout', async (span) => {
      await enqueue(database.pool, { tenant: 'traced', type: 'order.created', payload: { id: 7 }, idempotencyKey: 'traced-1', correlationId: 'checkout-7' });
      span.end();
      return span.spanContext().traceId;
    });
    await waitFor(() => sink.requests.length === 2, { what: 'both deliveries' });
    const spans = await waitFor(
      () => {
        const inTrace = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
        return inTrace.filter((span) => DELIVERY_SPANS.includes(span.name)).length === 2 && inTrace.some((span) => span.name === 'RunWorkflow:deliverEvent')
          ? inTrace
          : undefined;
      },
      {
        what: 'the workflow and delivery spans',
        describe: () =>
          exporter
            .getFinishedSpans()
            .map((span) => span.name)
            .join(', '),
      },
    );
    const names = spans.map((span) => span.name);
    // Plain routes are delivered by the first pass (one local activity, a span per attempt).
    for (const name of [
      'app.checkout',
      'outbox.enqueue',
      'outbox.relay.dispatch',
      'StartWorkflow:deliverEvent',
      'RunWorkflow:deliverEvent',
      'StartActivity:firstPass',
      'RunActivity:firstPass',
      'outbox.deliver',
    ]) {
      expect(names, name).toContain(name);
    }
    const byName = (name: string) => spans.filter((span) => span.name === name);
    const parentOf = (span: ReadableSpan) => spans.find((candidate) => candidate.spanContext().spanId === span.parentSpanId)?.name;
    expect(parentOf(byName('outbox.enqueue')[0]!)).toBe('app.checkout');
    expect(parentOf(byName('outbox.relay.dispatch')[0]!)).toBe('outbox.enqueue');
    expect(parentOf(byName('StartWorkflow:deliverEvent')[0]!)).toBe('outbox.relay.dispatch');
    expect(byName('outbox.relay.dispatch')[0]?.attributes['outbox.correlation_id']).toBe('checkout-7');
    expect(
      byName('outbox.deliver')
        .map((span) => span.attributes['outbox.subscription'])
        .sort(),
    ).toEqual(['crm', 'erp']);
    for (const span of byName('outbox.deliver')) {
      expect(span.attributes['outbox.correlation_id']).toBe('checkout-7');
      expect(parentOf(span)).toBe('RunActivity:firstPass');
    }
  });

  it('SQL callers pass their trace context as the traceparent option; a malformed one is refused', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await sql`SELECT outbox.enqueue('traced', 'order.paid', '{}', 'traced-sql', ${JSON.stringify({ traceparent })}::jsonb)`.execute(database.db);
    const row = await database.db.selectFrom('outbox.events').select('traceparent').where('idempotency_key', '=', 'traced-sql').executeTakeFirstOrThrow();
    expect(row.traceparent).toBe(traceparent);
    await waitFor(
      () =>
        exporter.getFinishedSpans().some((span) => span.name === 'outbox.relay.dispatch' && span.spanContext().traceId === '0af7651916cd43dd8448eb211c80319c'),
      {
        what: 'the relay span to join the SQL caller trace',
      },
    );
    await expect(sql`SELECT outbox.enqueue('traced', 'order.paid', '{}', 'traced-bad', '{"traceparent": "nope"}')`.execute(database.db)).rejects.toThrow(
      /option "traceparent" must be a W3C traceparent/,
    );
  });
});
