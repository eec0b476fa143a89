import { kafkaTarget } from './kafka.js';
import { mqttTarget } from './mqtt.js';
import { n8nTarget } from './n8n.js';
import { natsTarget } from './nats.js';
import { rabbitmqTarget } from './rabbitmq.js';
import { realtimeTarget } from './realtime.js';
import { redisStreamTarget } from './redis-stream.js';
import { slackTarget } from './slack.js';
import type { TargetKind } from './target-kind.js';
import { webhookTarget } from './webhook.js';

/** Every target kind the engine delivers to, by the name stored in outbox.subscriptions. */
export const TARGET_KINDS = {
  webhook: webhookTarget,
  slack: slackTarget,
  n8n: n8nTarget,
  'redis-stream': redisStreamTarget,
  nats: natsTarget,
  rabbitmq: rabbitmqTarget,
  mqtt: mqttTarget,
  kafka: kafkaTarget,
  realtime: realtimeTarget,
} as const;

export type TargetKindName = keyof typeof TARGET_KINDS;

export const TARGET_KIND_NAMES = Object.keys(TARGET_KINDS) as TargetKindName[];

/** The implementation of a stored kind name, or undefined for a kind this version does not know. */
export function targetKindNamed(name: string): TargetKind | undefined {
  return (TARGET_KINDS as Record<string, TargetKind<unknown>>)[name];
}
