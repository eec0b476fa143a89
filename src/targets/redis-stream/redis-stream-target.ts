import { z } from 'zod';
import { secretOr } from '../secret-reference.js';
import { untilAborted } from '../until-aborted.js';
import { classifyTransportError } from '../../failures/classify-failure.js';
import { destinationTemplate, displayServer } from '../destination-template.js';
import { defineTargetKind } from '../target-kind.js';
import { renderDestination } from '../target-message.js';
import { allowPrivateAddressesSchema, timeoutSchema } from '../target-options.js';

const redisUrl = z.string().refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), {
  error: 'must be a redis:// or rediss:// URL (or env:NAME)',
});

export const redisStreamConfigSchema = z
  .object({
    url: secretOr(redisUrl),
    /** Stream key; may use {tenant}, {type}, … */
    stream: destinationTemplate(/^[^\s]+$/, 'stream key'),
    /** Approximate trimming (XADD MAXLEN ~ n). */
    maxLen: z.number().int().min(1).optional(),
    /** How long the event id is remembered to refuse a second XADD of the same event. */
    dedupeSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(7 * 86_400),
    timeoutMs: timeoutSchema,
    /** Operator-only: lets this subscription reach loopback/private addresses (an internal broker). */
    allowPrivateAddresses: allowPrivateAddressesSchema,
  })
  .strict();

export type RedisStreamConfig = z.output<typeof redisStreamConfigSchema>;

/**
 * XADD and the dedupe marker in one atomic script: if this event was already added to the
 * stream (an activity retry after a lost reply), return the first entry's id and add nothing.
 * The marker key shares the stream's hash tag so the script also works on Redis Cluster.
 */
const ADD_ONCE = `
local existing = redis.call('GET', KEYS[2])
if existing then return existing end
local id
if ARGV[2] ~= '' then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
else
  id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
end
redis.call('SET', KEYS[2], id, 'EX', ARGV[1])
return id`;

/**
 * A Redis stream entry per event with fields `id` (the message id, for consumers to
 * dedupe), `event_id`, `type`, `tenant` and `payload` (the JSON envelope).
 */
export const redisStreamTarget = defineTargetKind<RedisStreamConfig>({
  kind: 'redis-stream',
  configSchema: redisStreamConfigSchema,
  endpoint: (config) => `${displayServer(config.url)} ${config.stream}`,
  timeoutMs: (config) => config.timeoutMs,
  egress: (config) => ({ destinations: [config.url], allowPrivateAddresses: config.allowPrivateAddresses === true }),
  send: async (context, config, message) => {
    const stream = renderDestination(config.stream, message);
    const marker = `outbox:dedupe:{${stream}}:${message.envelope.tenant}:${message.id}`;
    try {
      const redis = await untilAborted(
        context.connections.redis(context.secret(config.url), { allowPrivateAddresses: config.allowPrivateAddresses === true }),
        context.signal,
      );
      const fields = [
        'id',
        message.id,
        'event_id',
        message.envelope.eventId,
        'type',
        message.eventType,
        'tenant',
        message.envelope.tenant,
        'payload',
        message.body,
      ];
      await untilAborted(redis.eval(ADD_ONCE, 2, stream, marker, config.dedupeSeconds, config.maxLen ?? '', ...fields), context.signal);
      return {};
    } catch (error) {
      throw classifyTransportError(error);
    }
  },
});
