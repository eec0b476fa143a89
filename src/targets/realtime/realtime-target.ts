import { z } from 'zod';
import { defineTargetKind } from '../target-kind.js';

export const realtimeConfigSchema = z
  .object({
    /** Browsers subscribe to a channel: /v1/stream?tenant=…&channel=… */
    channel: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, "_", "." or "-"' })
      .default('default'),
  })
  .strict();

export type RealtimeConfig = z.output<typeof realtimeConfigSchema>;

/**
 * Server-sent events to browsers. Delivering is writing the delivery log row: the engine's
 * /v1/stream endpoint streams those rows to each tenant's connected browsers (woken by NOTIFY)
 * and replays them after a reconnect from Last-Event-ID, so nothing is missed.
 */
export const realtimeTarget = defineTargetKind<RealtimeConfig>({
  kind: 'realtime',
  configSchema: realtimeConfigSchema,
  endpoint: (config) => `realtime ${config.channel}`,
  timeoutMs: () => 10_000,
  send: () => Promise.resolve({}),
  deliveredByLog: true,
});
