import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AddSubscriptionFlags } from './commands/subscriptions-command.js';
import { coefficient, collect, duration, durationList, fraction, positiveInteger, positiveNumber } from './option-parsers.js';
import { exitWith } from './exit-with.js';

/** `--filter '{…}'`: a JSON object (its conditions are checked when the subscription is saved). */
function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`Expected a JSON object such as '{"data.total": {"$gte": 100}}': ${(error as Error).message}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError('Expected a JSON object such as \'{"data.total": {"$gte": 100}}\'.');
  return parsed as Record<string, unknown>;
}

const subscriptionCommands = () => import('./commands/subscriptions-command.js');

/**
 * `outbox subscriptions add|list|enable|disable|remove`, with every target, retry and flow
 * control flag.
 *
 * @example
 * registerSubscriptionCommands(new Command('outbox'));
 */
export function registerSubscriptionCommands(program: Command): void {
  const subscriptions = program.command('subscriptions').description('manage where events go');
  subscriptions
    .command('add')
    .description('route events matching a pattern to a target (exactly one target flag)')
    .requiredOption('--events <pattern>', "event types to deliver; * matches anything, e.g. 'order.*'")
    .option('--tenant <id>', "only this tenant's events ('*' for all)", '*')
    .option('--name <name>', 'unique name (generated when omitted); events can target it explicitly')
    .optionsGroup('Targets (one):')
    .option('--webhook <url>', 'POST Standard Webhooks-signed JSON to this http(s) URL')
    .option('--slack <url>', 'Slack incoming-webhook URL (or env:NAME; the URL is a credential)')
    .option('--n8n <url>', 'n8n Webhook node URL')
    .option('--redis <url>', 'Redis server for a stream (redis://…; with --stream)')
    .option('--nats <url>', 'NATS server for a JetStream publish (nats://…; with --subject)')
    .option('--amqp <url>', 'RabbitMQ server (amqp://…; with --exchange / --routing-key)')
    .option('--mqtt <url>', 'MQTT broker (mqtt://…; with --topic), QoS 1')
    .option('--kafka <brokers>', 'Kafka brokers host:port[,host:port] (with --topic)')
    .option('--realtime', 'stream to browsers over server-sent events (/v1/stream)')
    .option('--signing <scheme>', 'webhook: hmac (v1, the default), ed25519 (v1a: receivers verify with GET /v1/signing-keys) or both')
    .option('--secret <whsec>', 'webhook: Standard Webhooks secret whsec_… or env:NAME; generated and printed once when omitted')
    .addOption(
      new Option(
        '--header <header>',
        'webhook: extra header "Name: value" (repeatable; value may be env:NAME; stored sealed when OUTBOX_SECRET_KEYS is set)',
      ).argParser(collect),
    )
    .option('--client-cert <file>', 'webhook: client certificate (PEM) for endpoints that require mTLS; with --client-key')
    .option('--client-key <file>', "webhook: the certificate's private key (PEM; stored sealed with OUTBOX_SECRET_KEYS)")
    .option('--client-ca <file>', "webhook: CA certificate(s) (PEM) to trust for the endpoint instead of the system's")
    .option('--oauth2-token-url <url>', 'webhook: OAuth2 token URL (client credentials); the token goes as Authorization: Bearer')
    .option('--oauth2-client-id <id>', 'webhook: OAuth2 client id')
    .option('--oauth2-client-secret <secret>', 'webhook: OAuth2 client secret (or env:NAME; stored sealed)')
    .option('--oauth2-scope <scope>', 'webhook: OAuth2 scope to ask for')
    .option('--oauth2-audience <audience>', 'webhook: OAuth2 audience to ask for')
    .option('--template <text>', 'slack: message text with {{type}}, {{tenant}}, {{id}}, {{data.field}}')
    .option('--auth-basic <user:password>', 'n8n: basic auth (password may be env:NAME)')
    .option('--auth-header <header>', 'n8n: header auth "Name: value" (value may be env:NAME)')
    .option('--stream <key>', 'redis: stream key; may use {tenant}, {type}, {aggregate_type}, {aggregate_id}, {event_id}')
    .addOption(new Option('--maxlen <n>', 'redis: trim the stream to about this many entries').argParser(positiveInteger))
    .option('--subject <subject>', 'nats: subject (a JetStream stream must capture it); placeholders as for --stream')
    .option('--exchange <name>', "amqp: exchange (default '' = the default exchange)")
    .option('--routing-key <key>', 'amqp: routing key (default {type})')
    .option('--topic <topic>', 'mqtt, kafka: topic; placeholders as for --stream')
    .option('--username <user>', 'nats, mqtt: user name')
    .option('--password <password>', 'nats, mqtt: password (or env:NAME)')
    .option('--token <token>', 'nats: token (or env:NAME)')
    .option('--channel <name>', 'realtime: channel browsers subscribe to (default "default")')
    .option('--config <json>', 'more target settings as JSON, merged in (see README)')
    .addOption(new Option('--timeout <duration>', 'per-attempt timeout, e.g. 10s').argParser(duration))
    .option(
      '--allow-private-address',
      'webhook, slack, n8n: let this subscription reach loopback/private/link-local addresses (an internal endpoint you trust)',
    )
    .optionsGroup('Retry policy:')
    .addOption(new Option('--max-attempts <n>', 'attempts before dead-lettering (default 20)').argParser(positiveInteger))
    .addOption(new Option('--initial-interval <duration>', 'delay before the first retry (default 1s)').argParser(duration))
    .addOption(new Option('--backoff <coefficient>', 'multiplier between retries (default 2)').argParser(coefficient))
    .addOption(new Option('--max-interval <duration>', 'longest delay between retries (default 10m)').argParser(duration))
    .addOption(new Option('--deadline <duration>', 'give up (dead-letter) after this long in all, e.g. 24h (default: none)').argParser(duration))
    .addOption(new Option('--non-retryable <type>', 'failure type never retried (repeatable)').argParser(collect))
    .addOption(
      new Option('--retry-schedule <schedule>', 'exponential (default), standard-webhooks (5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h) or custom').choices([
        'exponential',
        'standard-webhooks',
        'custom',
      ]),
    )
    .addOption(new Option('--retry-delays <list>', "with --retry-schedule custom: delays between attempts, e.g. '10s,1m,10m'").argParser(durationList))
    .addOption(new Option('--jitter <fraction>', 'spread of every retry delay, 0 (none) to 1 (default 0.2: ±20%)').argParser(fraction))
    .addOption(new Option('--rate <n>', 'at most n deliveries per second to this endpoint, across all workers').argParser(positiveNumber))
    .addOption(new Option('--burst <n>', 'with --rate: deliveries that may go at once after a quiet spell (default 1)').argParser(positiveInteger))
    .addOption(new Option('--max-in-flight <n>', 'at most n deliveries to this endpoint at the same time, across all workers').argParser(positiveInteger))
    .option('--ordered', "deliver each tenant + aggregate's events one at a time, in commit order (a dead letter holds its successors)")
    .addOption(new Option('--filter <json>', 'deliver only events matching this content filter, e.g. \'{"data.total": {"$gte": 100}}\'').argParser(jsonObject))
    .option('--disabled', 'add it disabled')
    .option('--json', 'print the result as JSON')
    .action(async (flags: AddSubscriptionFlags) => (await subscriptionCommands()).addSubscriptionCommand(flags));
  subscriptions
    .command('list')
    .description('list subscriptions (secrets are never shown)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => (await subscriptionCommands()).listSubscriptionsCommand(flags));
  subscriptions
    .command('enable')
    .description('turn a subscription back on (e.g. after the engine disabled it for a failing endpoint)')
    .argument('<id-or-name>')
    .action(async (idOrName: string) => exitWith(await (await subscriptionCommands()).setEnabledCommand(idOrName, true)));
  subscriptions
    .command('disable')
    .description('stop delivering to a subscription: its events are dead-lettered (never dropped) until it is enabled again')
    .argument('<id-or-name>')
    .option('--reason <text>', 'why; shown by `subscriptions list`')
    .action(async (idOrName: string, flags: { reason?: string }) =>
      exitWith(await (await subscriptionCommands()).setEnabledCommand(idOrName, false, flags.reason)),
    );
  subscriptions
    .command('tenant-limits')
    .description("a tenant's default endpoint limits, for each subscription delivering its events without limits of its own")
    .option('--tenant <id>', 'the tenant (omit to list every tenant default)')
    .addOption(new Option('--rate <n>', 'at most n deliveries per second to each endpoint').argParser(positiveNumber))
    .addOption(new Option('--burst <n>', 'with --rate: deliveries that may go at once after a quiet spell').argParser(positiveInteger))
    .addOption(new Option('--max-in-flight <n>', 'at most n deliveries in flight to each endpoint').argParser(positiveInteger))
    .option('--clear', "remove the tenant's default")
    .action(async (flags: { tenant?: string; rate?: number; burst?: number; maxInFlight?: number; clear?: boolean }) =>
      (await subscriptionCommands()).tenantLimitsCommand(flags),
    );
  subscriptions
    .command('remove')
    .description('remove a subscription by id or name')
    .argument('<id-or-name>')
    .action(async (idOrName: string) => {
      exitWith(await (await subscriptionCommands()).removeSubscriptionCommand(idOrName));
    });
  subscriptions
    .command('rotate-secret')
    .description('give a webhook a new signing secret (printed once); the old one keeps signing until the grace ends, so receivers can switch')
    .argument('<id-or-name>')
    .addOption(
      new Option('--grace <duration>', 'how long deliveries carry the old signature too (0s: stop at once)')
        .argParser(duration)
        .default(24 * 60 * 60_000, '24h'),
    )
    .option('--json', 'print the new secret and the grace end as JSON')
    .action(async (idOrName: string, flags: { grace: number; json?: boolean }) =>
      exitWith(await (await subscriptionCommands()).rotateSecretCommand(idOrName, flags)),
    );
}
