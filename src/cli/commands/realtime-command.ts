import { formatDuration } from '../../durations/duration.js';
import { loadConfig } from '../../config/load-config.js';
import { tenantIdSchema } from '../../events/event-formats.js';
import { signStreamToken } from '../../realtime/stream-token.js';

/** `outbox realtime token`: a stream token for one tenant, signed with OUTBOX_REALTIME_SECRET. */
export function realtimeTokenCommand(flags: { tenant: string; ttl: number }): void {
  const config = loadConfig();
  if (!config.realtime.secret) {
    throw new Error("OUTBOX_REALTIME_SECRET is not set: set it to the engine's value (at least 32 characters) to sign stream tokens.");
  }
  if (!tenantIdSchema.safeParse(flags.tenant).success) throw new Error(`--tenant ${JSON.stringify(flags.tenant)} is not a valid tenant id.`);
  const token = signStreamToken(config.realtime.secret, flags.tenant, flags.ttl);
  console.log(token);
  console.error(`valid for ${formatDuration(flags.ttl)}: GET /v1/stream?tenant=${flags.tenant}&token=${token}`);
}
