/**
 * The activities room: the Temporal activities the delivery workflow calls, built by
 * createActivities(deps) in this file, and their bookkeeping (routing reads, attempts, lanes,
 * breakers, flow control, event outcomes). One attempt runs deliver-to-target.ts's pipeline:
 * load, admit, send (through targets/), classify (failures/), record. May import routing/,
 * subscriptions/, targets/, failures/, catalog/, metrics/, sagas/ and the rooms below them;
 * workflows/ imports it as types only.
 */
import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { TargetConnections } from '../targets/target-connections.js';
import type { Database, EventStatus } from '../db/database.js';
import { CircuitBreakers, DEFAULT_BREAKER_SETTINGS, type BreakerSettings } from './circuit-breaker.js';
import type { DeliverInput, SendPools } from './deliver-input.js';
import { deliverToTarget } from './deliver-to-target.js';
import { recordDeadLetter, resolveDeadLetter, setEventStatus, type DeadLetterInput } from './event-outcome.js';
import { resolveRoutes, routeFor } from './resolve-routes.js';
import { firstPass } from './first-pass.js';
import { EndpointPace } from './endpoint-pace.js';
import { EventTypeCatalog } from '../catalog/event-type-catalog.js';
import { parkUntilSlot, reserveSlot } from './flow-control.js';
import { finishTurn, takeTurn } from './ordered-lanes.js';
import { EngineMetrics } from '../metrics/engine-metrics.js';
import { SecretBox } from '../secrets/secret-box.js';
import { SigningKeyRing } from '../targets/webhook/signing-key-ring.js';
import { ClientCertificateAgents } from '../egress/client-certificate-agents.js';
import { AccessTokens } from '../targets/http/access-tokens.js';
import { AddressPolicy } from '../egress/address-policy.js';

/** What activities need from the process that hosts them; nothing lives at module level. */
export interface ActivityDependencies {
  db: Kysely<Database>;
  /** undici dispatcher (keep-alive connection pool) for HTTP targets; see createGuardedAgent. */
  http: Dispatcher;
  /** For subscriptions with allowPrivateAddresses; `http` when absent. */
  httpAllowingPrivate?: Dispatcher;
  /** Pooled broker connections (Redis, NATS, AMQP, MQTT, Kafka); closed by the worker's owner. */
  connections: TargetConnections;
  /** Test sends' own pools, apart from deliveries' (closed by the worker's owner); the delivery pools when absent. */
  testSends?: SendPools;
  logger: Logger;
  /** Where `env:NAME` secrets are read from (the worker's environment). */
  env?: NodeJS.ProcessEnv;
  /** Pools for endpoints that want a client certificate (closed by the worker's owner); OUTBOX_ALLOW_PRIVATE_TARGETS's policy when absent. */
  clientCertificates?: ClientCertificateAgents;
  /** OAuth2 tokens (client credentials) shared by the deliveries; its own when absent. */
  accessTokens?: AccessTokens;
  /** Circuit breaker and auto-disable settings; defaults when absent. */
  breakerSettings?: BreakerSettings;
  /** Where delivery counts and latencies go; a private registry when absent. */
  metrics?: EngineMetrics;
  /** How fast endpoints answer, as this worker sees it (the first pass defers slow ones); its own when absent. */
  pace?: EndpointPace;
}

/**
 * Builds the delivery activities around the worker's own pools.
 *
 * @example
 * const worker = await Worker.create({ taskQueue, workflowBundle, activities: createActivities({ db, http, connections, logger }) });
 */
export function createActivities(deps: ActivityDependencies) {
  const breakers = new CircuitBreakers(deps.db, deps.breakerSettings ?? DEFAULT_BREAKER_SETTINGS);
  const metrics = deps.metrics ?? new EngineMetrics();
  const outcomes = { db: deps.db, metrics, logger: deps.logger };
  const pace = deps.pace ?? new EndpointPace();
  const catalog = new EventTypeCatalog(deps.db, deps.logger);
  const env = deps.env ?? process.env;
  const signingKeys = new SigningKeyRing(deps.db, SecretBox.fromEnv(env));
  const clientCertificates = deps.clientCertificates ?? new ClientCertificateAgents(AddressPolicy.parse(env.OUTBOX_ALLOW_PRIVATE_TARGETS));
  const accessTokens = deps.accessTokens ?? new AccessTokens();
  const delivery = { ...deps, breakers, pace, catalog, metrics, env, signingKeys, clientCertificates, accessTokens };
  return {
    /**
     * The happy path in one step: routes the event and, when every route is plain, makes each
     * route's first attempt (see firstPass).
     */
    firstPass: async (input: { eventId: string; workflowId: string }) => {
      const pass = await firstPass(delivery, input);
      return { ...pass, resolved: { ...pass.resolved, leanWorker: true as const } };
    },
    /** Which subscriptions an event goes to (no secrets in the result). */
    resolveRoutes: async (input: { eventId: string }) => ({
      ...(await resolveRoutes(deps.db, input.eventId, Context.current().info.workflowExecution?.workflowId)),
      leanWorker: true as const,
    }),
    /** One subscription's current route, read again on retry. */
    routeFor: (input: { eventId: string; subscriptionName: string }) => routeFor(deps.db, input),
    /** One attempt at one target; Temporal retries it under the subscription's policy. */
    deliver: (input: DeliverInput) => deliverToTarget(delivery, input),
    /** Records a delivery that will not be retried automatically. */
    recordDeadLetter: (input: DeadLetterInput) => recordDeadLetter(outcomes, input),
    /** Closes a dead letter (retried, discarded or expired). */
    resolveDeadLetter: (input: { deadLetterId: string; resolution: 'retried' | 'discarded' | 'expired' | 'superseded'; reason?: string; actor?: string }) =>
      resolveDeadLetter(outcomes, input),
    /**
     * Reserves when a delivery to a rate-limited subscription may start (its `admit` clock); the
     * workflow waits that long on a durable timer, so waiting uses no attempt and no worker slot.
     */
    reserveDeliverySlot: (input: { subscriptionId: string; ratePerSecond: number; burst?: number; eventId?: string }) =>
      reserveSlot(deps.db, { ...input, clock: 'admit' }).then((slot) => parkUntilSlot(deps.db, input.eventId, slot)),
    /** Asks for an ordered delivery's turn in its lane (tenant + aggregate, per subscription). */
    takeTurn: (input: { eventId: string; subscriptionId: string }) => takeTurn(deps.db, input),
    /** Closes the event's place in a lane; names the next waiting event's workflow to wake. */
    finishTurn: (input: { eventId: string; subscriptionId: string }) => finishTurn(deps.db, input),
    /** Sets the event row's status. */
    setEventStatus: (input: { eventId: string; status: EventStatus }) => setEventStatus(outcomes, input),
  };
}

export type DeliveryActivities = ReturnType<typeof createActivities>;
