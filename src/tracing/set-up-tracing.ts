/**
 * The tracing room: OpenTelemetry set-up, off unless configured. Imports no other room.
 */
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A registered OpenTelemetry tracer provider, and what the worker needs to export workflow spans. */
export interface Tracing {
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Flushes pending spans and unregisters nothing (the provider is process-wide). */
  shutdown(): Promise<void>;
}

/**
 * Turns tracing on for this process: a tracer provider registered globally (W3C trace context,
 * async context propagation), exporting with OTLP over HTTP (the standard OTEL_EXPORTER_OTLP_*
 * variables choose where) or to the given exporter. Off by default: the engine calls this only
 * with OUTBOX_TRACING=otlp.
 *
 * @example
 * const tracing = setUpTracing({ serviceName: 'outbox-engine' });
 * // … on shutdown:
 * await tracing.shutdown();
 */
export function setUpTracing(options: { exporter?: SpanExporter; serviceName?: string } = {}): Tracing {
  const resource = new Resource({ 'service.name': options.serviceName ?? process.env.OTEL_SERVICE_NAME ?? 'outbox-engine' });
  // A test's in-memory exporter wants every span at once; a real collector gets batches.
  const spanProcessor = options.exporter ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  return { spanProcessor, resource, shutdown: () => provider.shutdown() };
}
