import { kafkaTarget } from './kafka/kafka-target.js';
import { mqttTarget } from './mqtt/mqtt-target.js';
import { n8nTarget } from './n8n/n8n-target.js';
import { natsTarget } from './nats/nats-target.js';
import { rabbitmqTarget } from './rabbitmq/rabbitmq-target.js';
import { realtimeTarget } from './realtime/realtime-target.js';
import { redisStreamTarget } from './redis-stream/redis-stream-target.js';
import { slackTarget } from './slack/slack-target.js';
import type { TargetKind } from './target-kind.js';
import { webhookTarget } from './webhook/webhook-target.js';

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
