// Types for psp-stub.mjs, so the TypeScript tests can drive it.
export interface PaymentStubEffect {
  key: string;
  path: string;
  result: Record<string, unknown>;
}

export interface PaymentStub {
  url: string;
  effects: PaymentStubEffect[];
  requests: Record<string, number>;
  fail(path: string, status?: number): void;
  recover(path: string): void;
  hold(path: string): void;
  release(path: string): void;
  arrived(path: string): Promise<void>;
  effectsFor(key: string): PaymentStubEffect[];
  stop(): Promise<void>;
}

export function startPaymentStub(options?: { port?: number; secret?: string }): Promise<PaymentStub>;

export interface PaymentSagaSetup {
  subscriptions: {
    name: string;
    events: string;
    target: { kind: 'webhook'; config: { url: string; secret: string; timeoutMs?: number } };
    retryPolicy: { maximumAttempts: number; initialInterval: string };
  }[];
  saga: { name: string; events: string; steps: { name: string; target: string; compensation?: string }[] };
}

export function paymentSagaSetup(options: { stubUrl: string; secret: string; timeoutMs?: number; maximumAttempts?: number }): PaymentSagaSetup;
