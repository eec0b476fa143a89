import { Gauge, type Registry } from 'prom-client';

/** One subscription's pace in a worker, as EndpointPace.snapshot() gives it. */
export interface PaceLine {
  subscriptionId: string;
  inFlight: number;
  sending: number;
  deferred?: string;
}

/**
 * The per-endpoint gauges of a worker's pace (see EngineMetrics.watchEndpointPace): sends in
 * flight (first pass and all), and endpoints held back from the first pass, by reason.
 */
export function registerEndpointPaceGauges(registry: Registry, paces: () => PaceLine[]): void {
  new Gauge({
    name: 'outbox_first_pass_in_flight',
    help: 'First-pass sends in flight in this worker, per subscription id.',
    labelNames: ['subscription_id'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const pace of paces()) if (pace.inFlight > 0) this.set({ subscription_id: pace.subscriptionId }, pace.inFlight);
    },
  });
  new Gauge({
    name: 'outbox_endpoint_sends_in_flight',
    help: 'Sends under way in this worker per subscription id, first-pass and regular activities alike.',
    labelNames: ['subscription_id'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const pace of paces()) if (pace.sending > 0) this.set({ subscription_id: pace.subscriptionId }, pace.sending);
    },
  });
  new Gauge({
    name: 'outbox_endpoints_held_back',
    help: 'Subscriptions whose first attempts this worker sends as regular activities now (slow or busy endpoints), in all.',
    registers: [registry],
    collect() {
      this.set(paces().filter((pace) => pace.deferred).length);
    },
  });
  new Gauge({
    name: 'outbox_first_pass_sends_in_flight',
    help: 'First-pass sends in flight in this worker, in all (per subscription: outbox_first_pass_in_flight).',
    registers: [registry],
    collect() {
      this.set(paces().reduce((sum, pace) => sum + pace.inFlight, 0));
    },
  });
  new Gauge({
    name: 'outbox_endpoint_held_back',
    help: 'Subscriptions whose first attempts this worker sends as regular activities now (1), by reason: slow (recent answers took 500 ms or more) or busy (8 first-pass sends in flight, 32 for an endpoint answering within 100 ms).',
    labelNames: ['subscription_id', 'reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const pace of paces()) if (pace.deferred) this.set({ subscription_id: pace.subscriptionId, reason: pace.deferred }, 1);
    },
  });
}
