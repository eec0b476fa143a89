import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { EventTypeCatalog } from '../catalog/event-type-catalog.js';
import type { Database, SubscriptionRow } from '../db/database.js';
import type { RetryTiming } from '../failures/retry-delay.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { TargetConnections } from '../targets/target-connections.js';
import type { SigningKeyRing } from '../targets/webhook/signing-key-ring.js';
import type { ClientCertificateAgents } from '../egress/client-certificate-agents.js';
import type { AccessTokens } from '../targets/http/access-tokens.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import type { EndpointPace } from './endpoint-pace.js';
import type { FlowControl } from './flow-control.js';
import type { SagaStepRef } from './saga-message.js';

// What the `deliver` activity is given and needs, shared by its pipeline's steps.

/** Input of the `deliver` activity: ids only; the activity reads the event and target itself. */
export interface DeliverInput {
  eventId: string;
  subscriptionId: string;
  workflowId: string;
  /**
   * A pass an operator asked for (retry or replay): its first attempt goes through even if the
   * endpoint's breaker is open (the operator says it is fixed) and acts as the probe.
   */
  operatorPass?: boolean;
  /** The pass's retry timing: every retry delay is computed here (schedule, jitter, Retry-After). */
  backoff?: RetryTiming;
  /** The route's limits (the subscription's, or its tenant's default); stored ones when absent. */
  flowControl?: FlowControl;
  /** A saga step or compensation: its own message id, the saga's results, the step's answer kept. */
  sagaStep?: SagaStepRef;
  /** Attempts this pass already made as a local activity (the fast first attempt): numbering goes on from there. */
  attemptOffset?: number;
}

/** What an attempt needs of the subscription row. */
export type DeliverableSubscription = Pick<SubscriptionRow, 'id' | 'name' | 'target_kind' | 'target_config' | 'flow_control' | 'filter'>;

export interface DeliverResult {
  statusCode: number | null;
  attempt: number;
  /** Not sent: the subscription's content filter leaves the event out (logged as skipped). */
  skipped?: true;
}

/** The pools one kind of traffic sends through. */
export interface SendPools {
  http: Dispatcher;
  httpAllowingPrivate?: Dispatcher;
  connections: TargetConnections;
}

export interface DeliveryDependencies extends SendPools {
  db: Kysely<Database>;
  /** Test sends' own pools (sockets and broker connections apart from deliveries'); the delivery pools when absent. */
  testSends?: SendPools;
  breakers: CircuitBreakers;
  /** This worker's view of how fast each endpoint answers (for the first pass). */
  pace?: EndpointPace;
  catalog?: EventTypeCatalog; // payload schemas (unchecked without it)
  metrics: EngineMetrics;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** The worker's OAuth2 tokens, shared by its deliveries. */
  accessTokens?: AccessTokens;
  /** Pools that present client certificates (mTLS). */
  clientCertificates?: ClientCertificateAgents;
  /** The ed25519 keys webhooks sign `v1a` with (read from the database, cached). */
  signingKeys?: SigningKeyRing;
}
