// Metric label cardinality: event types come from applications, so only a bounded number of them
// become label values; the rest share "other".
import { describe, expect, it } from 'vitest';
import { EngineMetrics } from '../src/metrics/engine-metrics.js';
import { loadConfig } from '../src/config/load-config.js';

describe('event_type metric labels', () => {
  it('keeps the first N event types as labels and counts the rest as "other"', async () => {
    const metrics = new EngineMetrics({ maxEventTypes: 2 });
    for (const type of ['order.created', 'order.paid', 'order.created', 'made.up.1', 'made.up.2']) {
      metrics.eventsDispatched.inc({ event_type: metrics.eventTypeLabel(type) });
    }
    const text = await metrics.render();
    expect(text).toContain('outbox_events_dispatched_total{event_type="order.created"} 2');
    expect(text).toContain('outbox_events_dispatched_total{event_type="order.paid"} 1');
    expect(text).toContain('outbox_events_dispatched_total{event_type="other"} 2');
    expect(text).not.toContain('made.up');
  });

  it('reads the bound from OUTBOX_METRICS_MAX_EVENT_TYPES, 100 by default, and names the variable when it is bad', () => {
    expect(loadConfig({}).metrics.maxEventTypes).toBe(100);
    expect(loadConfig({ OUTBOX_METRICS_MAX_EVENT_TYPES: '7' }).metrics.maxEventTypes).toBe(7);
    expect(() => loadConfig({ OUTBOX_METRICS_MAX_EVENT_TYPES: 'lots' })).toThrow(/OUTBOX_METRICS_MAX_EVENT_TYPES/);
  });
});
