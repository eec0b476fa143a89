// Generated from /v1/openapi.json by test/management-api.test.ts (UPDATE_API_TYPES=1 to rewrite).
export interface paths {
    "/v1/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List subscriptions */
        get: operations["listSubscriptions"];
        put?: never;
        /**
         * Create a subscription
         * @description A webhook sent without `secret` gets a generated signing secret, returned in `secret` in this answer only.
         */
        post: operations["createSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a subscription */
        get: operations["getSubscription"];
        put?: never;
        post?: never;
        /** Delete a subscription */
        delete: operations["deleteSubscription"];
        options?: never;
        head?: never;
        /**
         * Change some settings of a subscription (only those sent)
         * @description A new `target` replaces the old one whole, its secret included. `removeFilter: true` removes the filter; a field left out is kept.
         */
        patch: operations["updateSubscription"];
        trace?: never;
    };
    "/v1/subscriptions/{id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Enable a subscription */
        post: operations["enableSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable a subscription (new events skip it; routed ones are dead-lettered) */
        post: operations["disableSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give a webhook a new signing secret; the old one keeps signing until the grace ends */
        post: operations["rotateSubscriptionSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/breaker": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The circuit breaker of a subscription's endpoint (shared with every subscription to it); closed when it never failed */
        get: operations["getSubscriptionBreaker"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A subscription's changes: who, what, when */
        get: operations["listSubscriptionAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a sample event to this subscription and answer with the attempt */
        post: operations["sendTestEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search events */
        get: operations["searchEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An event: payload, each route and its last attempt, workflow id */
        get: operations["getEvent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search the attempt log */
        get: operations["searchDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List open dead letters, oldest first */
        get: operations["listDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dead-letters/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An open dead letter */
        get: operations["getDeadLetter"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dead-letters/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry the open dead letters a filter finds (or count them: dryRun) */
        post: operations["retryDeadLetters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dead-letters/discard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Discard the open dead letters a filter finds (or count them: dryRun) */
        post: operations["discardDeadLetters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dead-letters/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry one dead letter */
        post: operations["retryDeadLetter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dead-letters/{id}/discard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Discard one dead letter */
        post: operations["discardDeadLetter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replay events by filter (or count them: dryRun) */
        post: operations["replayEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenant-limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every tenant's default endpoint limits */
        get: operations["listTenantLimits"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenant-limits/{tenant}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set a tenant's default endpoint limits ({} removes them) */
        put: operations["setTenantLimits"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenant-permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The broker target kinds opened to each tenant */
        get: operations["listTenantPermissions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenant-permissions/{tenant}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the broker target kinds a tenant's keys may use ([] takes them away) */
        put: operations["setTenantPermissions"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fanout-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List fan-out rules */
        get: operations["listFanoutRules"];
        /** Set the fan-out rule of a tenant and pattern (replaces the one there) */
        put: operations["setFanoutRule"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fanout-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a fan-out rule */
        delete: operations["deleteFanoutRule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sagas": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sagas */
        get: operations["listSagas"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sagas/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Create or replace a saga */
        put: operations["putSaga"];
        post?: never;
        /** Remove a saga (its events go to plain subscriptions again) */
        delete: operations["deleteSaga"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/event-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event-type catalog */
        get: operations["listEventTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/event-types/{type}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One type's versions */
        get: operations["getEventType"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/event-types/{type}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Register or replace a version of an event type with its JSON Schema */
        put: operations["putEventTypeVersion"];
        post?: never;
        /** Remove a version (its payloads are no longer checked) */
        delete: operations["deleteEventTypeVersion"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signing-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Public keys that verify v1a (ed25519) webhook signatures
         * @description A JWKS of the current key and of rotated keys still in their grace period (deliveries then carry a signature from each). Needs no API key; cache it for up to 5 minutes.
         */
        get: operations["listSigningKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The outbox at a glance (as `outbox status --json`) */
        get: operations["getStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who this key is: its scope, its tenant, when a portal link expires, and where the Temporal UI is */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Backlog, dead letters, the last hour of deliveries and endpoints in trouble, in the key's scope */
        get: operations["getOverview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portal-links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A signed, expiring link to the console for one tenant (as `outbox portal-link`) */
        post: operations["createPortalLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/portal-links/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke one portal link (by id), or every link of a tenant made until now */
        post: operations["revokePortalLinks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        EndpointLimitsInput: {
            /** @description deliveries a second per endpoint, at most (0.001 to 100 000) */
            ratePerSecond?: number;
            /** @description after a quiet spell, this many may go at once (needs ratePerSecond) */
            burst?: number;
            /** @description deliveries under way per endpoint, at most */
            maxInFlight?: number;
        };
        RetryPolicyInput: {
            /**
             * @description exponential (default), the Standard Webhooks schedule, or your own delays
             * @enum {string}
             */
            schedule?: "exponential" | "standard-webhooks" | "custom";
            /** @description schedule 'custom' only: the delays between attempts */
            delays?: (string | number)[];
            /** @description spread of each delay, 0 to 1 (default 0.2) */
            jitter?: number;
            /** @description a duration such as 500ms, 5s, 10m or 2h, or a number of milliseconds */
            initialInterval?: string | number;
            backoffCoefficient?: number;
            /** @description a duration such as 500ms, 5s, 10m or 2h, or a number of milliseconds */
            maximumInterval?: string | number;
            /** @description exponential only: a schedule fixes its own */
            maximumAttempts?: number;
            /** @description overall time for the attempts of one pass */
            deadline?: string | number;
            nonRetryableErrorTypes?: string[];
        };
        WebhookTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "webhook";
            config: {
                url: string;
                secret?: string;
                /** @default 10000 */
                timeoutMs?: number;
                headers?: {
                    [key: string]: string;
                };
                allowPrivateAddresses?: boolean;
                /** @enum {string} */
                signing?: "hmac" | "ed25519" | "both";
                tls?: {
                    cert: string;
                    key: string;
                    ca?: string;
                };
                oauth2?: {
                    tokenUrl: string;
                    clientId: string;
                    clientSecret: string;
                    scope?: string;
                    audience?: string;
                    /** @enum {string} */
                    clientAuth?: "basic" | "post";
                };
                previousSecrets?: {
                    secret: string;
                    /** Format: date-time */
                    expiresAt: string;
                }[];
            };
        };
        SlackTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "slack";
            config: {
                url: string;
                template?: string;
                /** @default 10000 */
                timeoutMs?: number;
                allowPrivateAddresses?: boolean;
            };
        };
        N8nTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "n8n";
            config: {
                url: string;
                auth?: {
                    /** @constant */
                    type: "basic";
                    username: string;
                    password: string;
                } | {
                    /** @constant */
                    type: "header";
                    name: string;
                    value: string;
                };
                /** @default 10000 */
                timeoutMs?: number;
                allowPrivateAddresses?: boolean;
            };
        };
        RedisStreamTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "redis-stream";
            config: {
                url: string;
                stream: string;
                maxLen?: number;
                /** @default 604800 */
                dedupeSeconds?: number;
                /** @default 10000 */
                timeoutMs?: number;
                allowPrivateAddresses?: boolean;
            };
        };
        NatsTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "nats";
            config: {
                url: string;
                subject: string;
                user?: string;
                pass?: string;
                token?: string;
                /** @default 10000 */
                timeoutMs?: number;
                allowPrivateAddresses?: boolean;
            };
        };
        RabbitmqTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "rabbitmq";
            config: {
                url: string;
                /** @default  */
                exchange?: string;
                /** @default {type} */
                routingKey?: string;
                /** @default 10000 */
                timeoutMs?: number;
                allowPrivateAddresses?: boolean;
            };
        };
        MqttTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "mqtt";
            config: {
                url: string;
                topic: string;
                username?: string;
                password?: string;
                /** @default 10000 */
                timeoutMs?: number;
                allowPrivateAddresses?: boolean;
            };
        };
        KafkaTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "kafka";
            config: {
                brokers: string[];
                topic: string;
                /** @default outbox */
                clientId?: string;
                /** @default false */
                ssl?: boolean;
                sasl?: {
                    /** @enum {string} */
                    mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
                    username: string;
                    password: string;
                };
                /** @default 10000 */
                timeoutMs?: number;
                allowPrivateAddresses?: boolean;
            };
        };
        RealtimeTargetInput: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "realtime";
            config: {
                /** @default default */
                channel?: string;
            };
        };
        NewSubscriptionInput: {
            /** @description unique per tenant, not all digits; generated when left out */
            name?: string;
            /** @description a tenant key's own tenant when left out; operators: '*' (default) or any tenant */
            tenant?: string;
            /** @description glob over event types, e.g. order.* */
            events: string;
            /** @description where events go: one of the target kinds with its settings, e.g. {"kind": "webhook", "config": {"url": "https://…"}} */
            target: components["schemas"]["WebhookTargetInput"] | components["schemas"]["SlackTargetInput"] | components["schemas"]["N8nTargetInput"] | components["schemas"]["RedisStreamTargetInput"] | components["schemas"]["NatsTargetInput"] | components["schemas"]["RabbitmqTargetInput"] | components["schemas"]["MqttTargetInput"] | components["schemas"]["KafkaTargetInput"] | components["schemas"]["RealtimeTargetInput"];
            retryPolicy?: components["schemas"]["RetryPolicyInput"];
            flowControl?: components["schemas"]["EndpointLimitsInput"];
            ordered?: boolean;
            enabled?: boolean;
            /** @description deliver only matching events, e.g. {"data.total": {"$gte": 100}, "data.country": {"$in": ["DE", "FR"]}} */
            filter?: {
                [key: string]: unknown;
            };
        };
        SubscriptionChangesInput: {
            events?: string;
            /** @description replaces the old target whole, its secret included */
            target?: components["schemas"]["WebhookTargetInput"] | components["schemas"]["SlackTargetInput"] | components["schemas"]["N8nTargetInput"] | components["schemas"]["RedisStreamTargetInput"] | components["schemas"]["NatsTargetInput"] | components["schemas"]["RabbitmqTargetInput"] | components["schemas"]["MqttTargetInput"] | components["schemas"]["KafkaTargetInput"] | components["schemas"]["RealtimeTargetInput"];
            retryPolicy?: components["schemas"]["RetryPolicyInput"];
            flowControl?: components["schemas"]["EndpointLimitsInput"];
            ordered?: boolean;
            /** @description a new filter (leave it out to keep the current one) */
            filter?: {
                [key: string]: unknown;
            };
            /** @description true removes the filter: every event of the pattern is delivered again (false or absent: kept) */
            removeFilter?: boolean;
        };
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            errors?: {
                field: string;
                message: string;
            }[];
        };
        Overview: {
            pending: number;
            oldestPendingAgeSeconds: number | null;
            openDeadLetters: number;
            lastHour: {
                /** Format: date-time */
                minute: string;
                delivered: number;
                failed: number;
                skipped: number;
            }[];
            /** @description delivered over delivered + failed attempts in the last hour */
            successRate: number | null;
            disabledSubscriptions: {
                id: string;
                name: string;
                reason: string | null;
            }[];
            openBreakers: {
                subscription: string;
                endpoint: string;
                state: string;
                /** Format: date-time */
                failingSince: string | null;
                lastError: string | null;
            }[];
            /** @description client certificates (mTLS) that expire within 14 days or have expired, soonest first: renew them */
            expiringCertificates: {
                subscriptionId: string;
                subscription: string;
                tenant: string;
                subject: string;
                fingerprint: string;
                /** Format: date-time */
                expiresAt: string;
            }[];
        };
        PortalLink: {
            /** @description open it in a browser; the token travels in the fragment, so no server logs it (without the fragment in an Idempotency-Key replay) */
            url: string;
            /** @description shown once: absent when the answer is an Idempotency-Key replay */
            token?: string;
            /** @description the link id: the audit names it portal-link:<id>; revoke it with POST /v1/portal-links/revoke */
            id: string;
            tenant: string;
            /** Format: date-time */
            expiresAt: string;
        };
        DeadLetter: {
            id: string;
            eventId: string;
            tenant: string;
            eventType: string;
            idempotencyKey: string;
            subscription: string;
            attempts: number;
            lastError: string;
            lastStatusCode: number | null;
            workflowId: string;
            /** Format: date-time */
            createdAt: string;
        };
        DeadLetterActionOutcome: {
            /** @description open dead letters the filter found */
            matched: number;
            /** @description of those, how many their workflows were told about (0 on a dry run) */
            signalled: number;
            failed: {
                deadLetterId: string;
                error: string;
            }[];
            dryRun: boolean;
        };
        EventSummary: {
            id: string;
            tenant: string;
            type: string;
            version: number;
            idempotencyKey: string;
            /** @enum {string} */
            status: "pending" | "dispatched" | "delivered" | "dead_lettered" | "discarded" | "expired" | "compensated";
            aggregateType: string | null;
            aggregateId: string | null;
            correlationId: string | null;
            /** @description the delivery workflow's id in Temporal (null while pending) */
            workflowId: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            finishedAt: string | null;
        };
        Event: {
            id: string;
            tenant: string;
            type: string;
            version: number;
            idempotencyKey: string;
            /** @enum {string} */
            status: "pending" | "dispatched" | "delivered" | "dead_lettered" | "discarded" | "expired" | "compensated";
            aggregateType: string | null;
            aggregateId: string | null;
            correlationId: string | null;
            /** @description the delivery workflow's id in Temporal (null while pending) */
            workflowId: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            finishedAt: string | null;
            payload: unknown;
            routes: {
                subscription: string;
                attempts: number;
                lastOutcome: string;
                lastStatusCode: number | null;
                lastError: string | null;
                /** Format: date-time */
                lastAttemptAt: string;
                openDeadLetterId: string | null;
            }[];
        };
        DeliveryAttempt: {
            id: string;
            eventId: string;
            subscriptionId: string | null;
            tenant: string;
            target: string;
            attempt: number;
            /** @enum {string} */
            outcome: "delivered" | "retryable_failure" | "permanent_failure" | "skipped";
            statusCode: number | null;
            durationMs: number;
            error: string | null;
            workflowId: string;
            /** Format: date-time */
            attemptedAt: string;
        };
        EventType: {
            type: string;
            version: number;
            description: string | null;
            /** @description JSON Schema (draft 2020-12) of the payload */
            schema: {
                [key: string]: unknown;
            };
            deprecated: boolean;
            /** Format: date-time */
            updatedAt: string;
        };
        FanoutRule: {
            id: string;
            tenant: string;
            events: string;
            /** @enum {string} */
            strategy: "all" | "any" | "primary";
            primary: string | null;
        };
        Saga: {
            id: string;
            name: string;
            tenant: string;
            events: string;
            steps: {
                name: string;
                /** @description a subscription name */
                target: string;
                /** @description a subscription name, called to undo the step */
                compensation?: string;
            }[];
            /** Format: date-time */
            createdAt: string;
        };
        Status: {
            /** @description The version of the engine answering (semver, as `outbox --version`) */
            version: string;
            pending: number;
            oldestPendingAgeSeconds: number | null;
            byStatus: {
                [key: string]: number;
            };
            openDeadLetters: number;
            oldestDeadLetterAgeSeconds: number | null;
            breakers: {
                endpoint: string;
                state: string;
                consecutiveFailures: number;
                /** Format: date-time */
                failingSince: string | null;
                /** Format: date-time */
                nextProbeAt: string | null;
                lastError: string | null;
            }[];
            disabledSubscriptions: {
                name: string;
                reason: string | null;
            }[];
            blockedLanes: {
                subscription: string;
                tenant: string;
                orderingKey: string;
                blockedByEventId: string;
                deadLetterId: string;
                waiting: number;
            }[];
            orphanedLanes: {
                [key: string]: unknown;
            }[];
            /** @description The admission budget, shared by the tenants sending (README Flow control). */
            admission: {
                /** @description OUTBOX_TENANT_MAX_UNFINISHED: the window of a tenant that is the only one sending. */
                budget: number;
                /** @description OUTBOX_TENANT_MIN_UNFINISHED: the least the window of a tenant shrinks to. */
                minimum: number;
                windowMs: number;
                /** @description Tenants with an event started within the window: they share the budget. */
                tenantsSending: number;
                /** @description The window of each tenant now: its unfinished events started within the window, at most. */
                window: number;
            };
            heldTenants: {
                tenant: string;
                pending: number;
                unfinished: number;
                window: number;
            }[];
            endpoints: {
                subscription: string;
                tenant: string;
                inFlight: number;
                firstPass: number;
                /** @enum {string} */
                heldBack?: "slow" | "busy";
                averageMs: number;
                workers: number;
            }[];
        };
        EndpointLimits: {
            /** @description deliveries a second per endpoint, at most (0.001 to 100 000) */
            ratePerSecond?: number;
            /** @description after a quiet spell, this many may go at once (needs ratePerSecond) */
            burst?: number;
            /** @description deliveries under way per endpoint, at most */
            maxInFlight?: number;
        };
        /** @description as written: send it back in a PATCH unchanged and the policy stays the same */
        ShownRetryPolicy: {
            /** @enum {string} */
            schedule: "exponential" | "standard-webhooks" | "custom";
            delays?: string[];
            jitter: number;
            initialInterval: string;
            backoffCoefficient: number;
            maximumInterval: string;
            maximumAttempts?: number;
            deadline?: string;
            nonRetryableErrorTypes: string[];
        };
        Subscription: {
            id: string;
            name: string;
            /** @description the tenant whose events it receives; "*" for every tenant (operators only) */
            tenant: string;
            /** @description glob over event types, e.g. order.* */
            events: string;
            /** @enum {string} */
            targetKind: "webhook" | "slack" | "n8n" | "redis-stream" | "nats" | "rabbitmq" | "mqtt" | "kafka" | "realtime";
            /** @description where it delivers, without secrets */
            target: string;
            /** @description the target's secret settings, masked: never their values */
            secrets: {
                /** @description the setting, e.g. target.config.headers.X-Api-Key */
                field: string;
                /**
                 * @description encrypted at rest with the engine's secret key; read from the worker's environment (env:NAME); or in clear (no OUTBOX_SECRET_KEYS)
                 * @enum {string}
                 */
                storage: "encrypted" | "environment" | "clear";
            }[];
            /** @description the client certificate the target presents (mTLS); never its key */
            clientCertificate: {
                subject: string;
                issuer: string;
                /** @description SHA-256, colon-separated hex */
                fingerprint: string;
                expiresAt: string;
                /** @description it expires within 14 days, or has expired */
                expiresSoon: boolean;
            } | null;
            retryPolicy: components["schemas"]["ShownRetryPolicy"];
            flowControl: components["schemas"]["EndpointLimits"];
            ordered: boolean;
            /** @description deliver only matching events, e.g. {"data.total": {"$gte": 100}, "data.country": {"$in": ["DE", "FR"]}} */
            filter: {
                [key: string]: unknown;
            } | null;
            enabled: boolean;
            disabledReason: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        AuditEntry: {
            id: string;
            /** @enum {string} */
            action: "created" | "updated" | "deleted";
            changed: string[];
            actor: string;
            /** Format: date-time */
            at: string;
        };
        TenantPermissions: {
            tenant: string;
            /** @description broker kinds this tenant's keys may target, of redis-stream, nats, rabbitmq, mqtt, kafka */
            targetKinds: string[];
        };
        SigningKey: {
            /** @constant */
            kty: "OKP";
            /** @constant */
            crv: "Ed25519";
            /** @constant */
            alg: "EdDSA";
            /** @constant */
            use: "sig";
            /** @description the key id */
            kid: string;
            /** @description the raw 32-byte public key, base64url (RFC 8037) */
            x: string;
            /** @description the same key as Standard Webhooks writes it: whpk_ + base64 */
            whpk: string;
            createdAt: string;
            /** @description when a rotated key stops signing and leaves this list; null for the current key */
            expiresAt: string | null;
        };
        CreatedSubscription: {
            id: string;
            name: string;
            /** @description the tenant whose events it receives; "*" for every tenant (operators only) */
            tenant: string;
            /** @description glob over event types, e.g. order.* */
            events: string;
            /** @enum {string} */
            targetKind: "webhook" | "slack" | "n8n" | "redis-stream" | "nats" | "rabbitmq" | "mqtt" | "kafka" | "realtime";
            /** @description where it delivers, without secrets */
            target: string;
            /** @description the target's secret settings, masked: never their values */
            secrets: {
                /** @description the setting, e.g. target.config.headers.X-Api-Key */
                field: string;
                /**
                 * @description encrypted at rest with the engine's secret key; read from the worker's environment (env:NAME); or in clear (no OUTBOX_SECRET_KEYS)
                 * @enum {string}
                 */
                storage: "encrypted" | "environment" | "clear";
            }[];
            /** @description the client certificate the target presents (mTLS); never its key */
            clientCertificate: {
                subject: string;
                issuer: string;
                /** @description SHA-256, colon-separated hex */
                fingerprint: string;
                expiresAt: string;
                /** @description it expires within 14 days, or has expired */
                expiresSoon: boolean;
            } | null;
            retryPolicy: components["schemas"]["ShownRetryPolicy"];
            flowControl: components["schemas"]["EndpointLimits"];
            ordered: boolean;
            /** @description deliver only matching events, e.g. {"data.total": {"$gte": 100}, "data.country": {"$in": ["DE", "FR"]}} */
            filter: {
                [key: string]: unknown;
            } | null;
            enabled: boolean;
            disabledReason: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description the generated signing secret, shown once (absent in an Idempotency-Key replay) */
            secret?: string;
        };
        RotatedSecret: {
            id: string;
            name: string;
            /** @description shown once: absent when the answer is an Idempotency-Key replay */
            secret?: string;
            /** Format: date-time */
            previousSecretsUntil: string | null;
        };
        Breaker: {
            /** @description null when the target settings do not parse */
            endpoint: string | null;
            /** @enum {string} */
            state: "closed" | "open" | "half_open";
            consecutiveFailures: number;
            /** Format: date-time */
            failingSince: string | null;
            /** Format: date-time */
            nextProbeAt: string | null;
            /** @description operator keys only (null for tenant keys): the endpoint is shared, its answer may concern another tenant */
            lastError: string | null;
        };
        TestSend: {
            eventId: string;
            attempt: {
                id: string;
                attempt: number;
                /** @enum {string} */
                outcome: "delivered" | "retryable_failure" | "permanent_failure" | "skipped";
                statusCode: number | null;
                durationMs: number;
                error: string | null;
                /** Format: date-time */
                attemptedAt: string;
            };
        };
        TestSendUnderWay: {
            eventId: string;
            detail: string;
        };
        ReplayOutcome: {
            matched: number;
            replayed: number;
            failed: {
                eventId: string;
                error: string;
            }[];
            dryRun: boolean;
        };
        SigningKeys: {
            keys: components["schemas"]["SigningKey"][];
        };
        Me: {
            /** @enum {string} */
            scope: "operator" | "tenant";
            tenant: string | null;
            /** Format: date-time */
            portalLinkExpiresAt: string | null;
            temporalUi: {
                url: string;
                namespace: string;
            } | null;
        };
        PortalLinkRevocation: {
            /** Format: date-time */
            revokedAt: string;
            id?: string;
            tenant?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listSubscriptions: {
        parameters: {
            query?: {
                /** @description items per page, 1 to 200 (default 50) */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Subscription"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createSubscription: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewSubscriptionInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedSubscription"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubscriptionChangesInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    enableSubscription: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                } | null;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    disableSubscription: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                } | null;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateSubscriptionSecret: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description default 86400 (24 h); 0 stops the old secret at once */
                    graceSeconds?: number;
                } | null;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedSecret"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSubscriptionBreaker: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Breaker"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSubscriptionAudit: {
        parameters: {
            query?: {
                /** @description items per page, 1 to 200 (default 50) */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AuditEntry"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    sendTestEvent: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description the id or the name */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description needed for a subscription of every tenant ('*'): whose test event it is */
                    tenant?: string;
                    /** @description default {"test": true} */
                    payload?: {
                        [key: string]: unknown;
                    };
                } | null;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TestSend"];
                };
            };
            /** @description Accepted: under way, follow it as the answer says */
            202: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TestSendUnderWay"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many such requests under way for this tenant; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before sending it again */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchEvents: {
        parameters: {
            query?: {
                /** @description items per page, 1 to 200 (default 50) */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
                /** @description operators only; a tenant key's own tenant otherwise */
                tenant?: string;
                /** @description event type pattern, e.g. order.* */
                type?: string;
                status?: "pending" | "dispatched" | "delivered" | "dead_lettered" | "discarded" | "expired" | "compensated";
                since?: string;
                until?: string;
                correlationId?: string;
                /** @description the key the event was enqueued with (exact) */
                idempotencyKey?: string;
                aggregateType?: string;
                aggregateId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["EventSummary"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchDeliveries: {
        parameters: {
            query?: {
                /** @description items per page, 1 to 200 (default 50) */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
                eventId?: string;
                /** @description id or name */
                subscription?: string;
                statusCode?: number;
                outcome?: "delivered" | "retryable_failure" | "permanent_failure" | "skipped";
                since?: string;
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DeliveryAttempt"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDeadLetters: {
        parameters: {
            query?: {
                /** @description items per page, 1 to 200 (default 50) */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
                /** @description operators only; a tenant key's own tenant otherwise */
                tenant?: string;
                /** @description event type pattern, e.g. order.* */
                events?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DeadLetter"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDeadLetter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetter"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryDeadLetters: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description operators only; a tenant key's own tenant otherwise */
                    tenant?: string;
                    /** @description event type pattern, e.g. order.* */
                    events?: string;
                    ids?: string[];
                    /** @description count what would be affected; change nothing */
                    dryRun?: boolean;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterActionOutcome"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    discardDeadLetters: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description operators only; a tenant key's own tenant otherwise */
                    tenant?: string;
                    /** @description event type pattern, e.g. order.* */
                    events?: string;
                    ids?: string[];
                    /** @description count what would be affected; change nothing */
                    dryRun?: boolean;
                    reason: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterActionOutcome"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryDeadLetter: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                } | null;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterActionOutcome"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    discardDeadLetter: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                } | null;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterActionOutcome"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replayEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description operators: required; a tenant key's own tenant otherwise */
                    tenant?: string;
                    /** @description event type pattern, e.g. order.* */
                    events: string;
                    /** Format: date-time */
                    since: string;
                    /**
                     * Format: date-time
                     * @description default: now
                     */
                    until?: string;
                    correlationId?: string;
                    /** @description only these subscriptions (names); every routed one otherwise */
                    subscriptions?: string[];
                    dryRun?: boolean;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplayOutcome"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many such requests under way for this tenant; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before sending it again */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTenantLimits: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            tenant: string;
                            limits: components["schemas"]["EndpointLimits"];
                        }[];
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setTenantLimits: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EndpointLimitsInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tenant: string;
                        limits: components["schemas"]["EndpointLimits"];
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTenantPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["TenantPermissions"][];
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setTenantPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    targetKinds: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantPermissions"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFanoutRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["FanoutRule"][];
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setFanoutRule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description default '*' */
                    tenant?: string;
                    events: string;
                    /** @enum {string} */
                    strategy: "all" | "any" | "primary";
                    primary?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FanoutRule"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteFanoutRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSagas: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Saga"][];
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putSaga: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description default '*' */
                    tenant?: string;
                    events: string;
                    steps: {
                        name: string;
                        /** @description a subscription name */
                        target: string;
                        /** @description a subscription name, called to undo the step */
                        compensation?: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Saga"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSaga: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEventTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["EventType"][];
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEventType: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                type: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["EventType"][];
                    };
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putEventTypeVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                type: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    schema: {
                        [key: string]: unknown;
                    };
                    description?: string;
                    deprecated?: boolean;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventType"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteEventTypeVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                type: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSigningKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SigningKeys"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Status"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOverview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Overview"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createPortalLink: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    tenant: string;
                    /**
                     * @description 1 minute to 30 days; default 3600
                     * @default 3600
                     */
                    expiresInSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PortalLink"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokePortalLinks: {
        parameters: {
            query?: never;
            header?: {
                /** @description Send the same request again with the same key within 24 h and get the first answer back (header idempotent-replayed: true) without it running twice. Per API key; not honoured for portal links. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description one link, by the id it was made with */
                    id?: string;
                    /** @description every link of this tenant made until now */
                    tenant?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description true when this answer is the first answer to an earlier request with the same Idempotency-Key */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PortalLinkRevocation"];
                };
            };
            /** @description The request is not valid: `errors` names each field (RFC 9457 problem document) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No key, an unknown or revoked key, or an expired or revoked portal link */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This key may not do that (another tenant, an operator-only setting or action) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Nothing this key may see has that id or name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with what exists (a name taken, a reference naming several subscriptions) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is above the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Understood but refused (an Idempotency-Key reused for another request, too many events) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error (details are in the engine log, never in the answer) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Temporal is unreachable from this engine; retry shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
