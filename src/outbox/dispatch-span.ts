import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { DeliverableEvent } from './start-delivery-workflow.js';
import { workflowIdOfRow } from './installation.js';

const tracer = trace.getTracer('outbox-temporal');

/**
 * Runs `start` in a span that continues the trace stored with the event (when its transaction
 * was traced), so the workflow start, and through it the workflow and its deliveries, join it.
 * Without a registered tracer provider this is a no-op.
 *
 * @example
 * await inDispatchSpan(event, installationId, () => startDeliveryWorkflow(client, event, options));
 */
export function inDispatchSpan<T>(event: DeliverableEvent, installationId: string, start: () => Promise<T>): Promise<T> {
  const parent = event.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent }) : ROOT_CONTEXT;
  const attributes = {
    'outbox.event_id': event.id,
    'outbox.event_type': event.event_type,
    'temporal.workflow_id': workflowIdOfRow(installationId, event),
    ...(event.correlation_id !== null && { 'outbox.correlation_id': event.correlation_id }),
  };
  return tracer.startActiveSpan('outbox.relay.dispatch', { kind: SpanKind.PRODUCER, attributes }, parent, async (span) => {
    try {
      return await context.with(trace.setSpan(context.active(), span), start);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
