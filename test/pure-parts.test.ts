// Unit tests of the pure parts, no PostgreSQL or Temporal involved: how an event's status follows
// from its routes, how a failed pass is summarised, fan-out roles, the CLI's option parsers and
// its flags-to-target translation, and how the tenants sending share the admission budget and
// backlogged tenants are paced.
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { collect, duration, durationList, fraction, isoDate, pointInTime, positiveInteger } from '../src/cli/option-parsers.js';
import { flagForField, TargetFlagError, targetFromFlags } from '../src/cli/target-flags.js';
import { loadConfig } from '../src/config/load-config.js';
import { admissionWindowOf, DEFAULT_TENANT_WINDOW, defaultTenantShare, tenantWindowFor } from '../src/outbox/admission-window.js';
import { TenantPace } from '../src/outbox/tenant-pace.js';
import { afterClaim } from '../src/outbox/claim-pending-events.js';
import { rolesUnder } from '../src/routing/fanout-roles.js';
import type { DeliveryRoute } from '../src/routing/delivery-route.js';
import { eventStatusFor, overallStatus } from '../src/workflows/event-status.js';
import { summariseFailure } from '../src/workflows/failure-summary.js';

describe("an event's status from its routes", () => {
  it.each([
    [
      'a dead letter wins over everything',
      [
        ['dead_lettered', 'best_effort'],
        ['delivering', 'required'],
      ],
      'DeadLettered',
    ],
    [
      'a required route in flight holds the event',
      [
        ['delivered', 'required'],
        ['delivering', 'required'],
      ],
      'Delivering',
    ],
    [
      'a best-effort route in flight does not',
      [
        ['delivered', 'required'],
        ['delivering', 'best_effort'],
      ],
      'Delivered',
    ],
    [
      'any_of: one delivered is enough',
      [
        ['delivered', 'any_of'],
        ['delivering', 'any_of'],
      ],
      'Delivered',
    ],
    [
      'any_of: none delivered yet holds it',
      [
        ['delivering', 'any_of'],
        ['discarded', 'any_of'],
      ],
      'Delivering',
    ],
    [
      'expired before discarded',
      [
        ['discarded', 'required'],
        ['expired', 'required'],
      ],
      'Expired',
    ],
    [
      'discarded',
      [
        ['delivered', 'required'],
        ['discarded', 'required'],
      ],
      'Discarded',
    ],
    ['no routes at all', [], 'Delivered'],
  ] as const)('%s', (_name, routes, expected) => {
    expect(overallStatus(routes.map(([state, role]) => ({ state, role })))).toBe(expected);
  });

  it('maps every workflow status to an events row status', () => {
    expect(eventStatusFor('Compensating')).toBe('dispatched');
    expect(eventStatusFor('CompensationFailed')).toBe('dead_lettered');
    expect(eventStatusFor('Compensated')).toBe('compensated');
    expect(eventStatusFor('DeadLettered')).toBe('dead_lettered');
  });
});

describe('summarising a failed pass', () => {
  const activityFailure = (cause: Error) => new ActivityFailure('activity failed', 'deliver', '1', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'worker', cause);

  it("takes the last attempt's error, attempt and status from the deliver activity's details", () => {
    const cause = ApplicationFailure.create({ message: 'target answered HTTP 503', type: 'DeliveryFailed', details: [{ attempt: 4, statusCode: 503 }] });
    expect(summariseFailure(activityFailure(cause))).toEqual({
      message: 'target answered HTTP 503',
      attempts: 4,
      statusCode: 503,
      completeFromDeliveryLog: false,
    });
    // A local activity's failure arrives unwrapped.
    expect(summariseFailure(cause).attempts).toBe(4);
  });

  it('says a deadline passed, and that the delivery log has the last attempt when no details came', () => {
    const deadline = new TimeoutFailure('timed out', undefined, TimeoutType.SCHEDULE_TO_CLOSE);
    expect(summariseFailure(activityFailure(deadline))).toEqual({
      message: 'the delivery deadline passed',
      attempts: undefined,
      statusCode: null,
      completeFromDeliveryLog: true,
    });
    const stalled = new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE);
    expect(summariseFailure(activityFailure(stalled)).message).toMatch(/timed out \(START_TO_CLOSE\); the worker may have been stopped/);
  });
});

describe('fan-out roles', () => {
  const route = (name: string) => ({ subscriptionName: name }) as DeliveryRoute;
  const routes = [route('ledger'), route('crm')];
  it('gives each route its role under the rule', () => {
    expect(rolesUnder({ strategy: 'all', primary: null }, routes, [])).toEqual({ ledger: 'required', crm: 'required' });
    expect(rolesUnder({ strategy: 'any', primary: null }, routes, [])).toEqual({ ledger: 'any_of', crm: 'any_of' });
    expect(rolesUnder({ strategy: 'primary', primary: 'ledger' }, routes, ['gone'])).toEqual({ ledger: 'required', crm: 'best_effort', gone: 'required' });
    // A primary that is not among the routes protects nothing: all are required.
    expect(rolesUnder({ strategy: 'primary', primary: 'other' }, routes, [])).toEqual({ ledger: 'required', crm: 'required' });
  });
});

describe("the CLI's option parsers", () => {
  it('parse what they document and refuse the rest with a message saying what is expected', () => {
    expect(positiveInteger('5')).toBe(5);
    expect(() => positiveInteger('0')).toThrow(/whole number of 1 or more/);
    expect(duration('500ms')).toBe(500);
    expect(duration('2h')).toBe(7_200_000);
    expect(() => duration('soon')).toThrow(/duration such as 500ms/);
    expect(durationList('10s, 1m')).toEqual([10_000, 60_000]);
    expect(() => durationList('10s,x')).toThrow(/separated by commas/);
    expect(fraction('0.2')).toBe(0.2);
    expect(() => fraction('1.5')).toThrow(/from 0 to 1/);
    expect(isoDate('2026-11-22').toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(() => isoDate('yesterday')).toThrow(/ISO 8601/);
    const before = Date.now();
    expect(pointInTime('24h').getTime()).toBeLessThanOrEqual(before - 24 * 3_600_000 + 1_000);
    expect(collect('B', ['A'])).toEqual(['A', 'B']);
  });
});

describe("the CLI's flags to a target", () => {
  it('builds each kind from its flags, generating a webhook secret only when none is given', () => {
    const webhook = targetFromFlags({ webhook: 'https://example.com/hook', header: ['X-Team: core'], timeout: 5_000 });
    expect(webhook).toMatchObject({ kind: 'webhook', config: { url: 'https://example.com/hook', headers: { 'X-Team': 'core' }, timeoutMs: 5_000 } });
    expect(webhook.generatedSecret).toMatch(/^whsec_/);
    expect(targetFromFlags({ webhook: 'https://example.com/hook', secret: 'env:OUTBOX_SECRET_HOOK' }).generatedSecret).toBeUndefined();
    expect(targetFromFlags({ kafka: 'a:9092, b:9092', topic: 'orders' })).toEqual({
      kind: 'kafka',
      config: { brokers: ['a:9092', 'b:9092'], topic: 'orders' },
    });
    expect(targetFromFlags({ n8n: 'https://n8n.example.com/webhook/x', authBasic: 'bot:env:OUTBOX_SECRET_N8N' }).config).toMatchObject({
      auth: { type: 'basic', username: 'bot', password: 'env:OUTBOX_SECRET_N8N' },
    });
  });

  it('refuses no target, two targets, a private-address opt-in for the realtime stream, and a malformed header, naming the flag', () => {
    expect(() => targetFromFlags({})).toThrow(/Say where events go: one of --webhook/);
    expect(() => targetFromFlags({ webhook: 'https://a', slack: 'https://b' })).toThrow(/not --webhook and --slack/);
    expect(() => targetFromFlags({ realtime: true, allowPrivateAddress: true })).toThrow(TargetFlagError);
    // Brokers go through the address policy too, so the opt-in applies to them (issue 31).
    expect(targetFromFlags({ nats: 'nats://127.0.0.1', subject: 's', allowPrivateAddress: true }).config).toMatchObject({ allowPrivateAddresses: true });
    expect(() => targetFromFlags({ webhook: 'https://a', header: ['no colon'] })).toThrow(/--header takes "Name: value"/);
    expect(() => targetFromFlags({ webhook: 'https://a', config: '{nope' })).toThrow(/--config must be a JSON object/);
  });

  it('names the flag an operator typed for a field', () => {
    expect(flagForField('url', 'webhook')).toBe('--webhook');
    expect(flagForField('retryPolicy.delays', undefined)).toBe('--retry-delays');
  });
});

describe('the admission budget, shared by the tenants sending', () => {
  it('gives a tenant alone the whole budget and each of several an equal part, never below the minimum', () => {
    const windows = [0, 1, 2, 3, 4, 5, 6, 100].map((sending) => tenantWindowFor(DEFAULT_TENANT_WINDOW, sending));
    expect(windows).toEqual([50, 50, 25, 17, 13, 10, 10, 10]);
    // A minimum equal to the budget turns the sharing off; one above it cannot lift a window past the budget.
    expect(tenantWindowFor({ maxUnfinished: 50, minUnfinished: 50 }, 7)).toBe(50);
    expect(tenantWindowFor({ maxUnfinished: 4, minUnfinished: 10 }, 3)).toBe(4);
  });

  it("takes a batch share of a fifth of the tenant's window now, at most a quarter of the batch", () => {
    expect([50, 25, 10, 3].map((window) => defaultTenantShare(200, window))).toEqual([10, 5, 2, 1]);
    expect(defaultTenantShare(20, 50)).toBe(5);
  });

  it('reads the budget from the environment, and refuses a minimum above it naming the variable', () => {
    expect(admissionWindowOf(50, undefined, 5_000)).toEqual(DEFAULT_TENANT_WINDOW);
    // A budget below the default minimum is not shared.
    expect(admissionWindowOf(6, undefined, 5_000).minUnfinished).toBe(6);
    expect(loadConfig({ OUTBOX_TENANT_MAX_UNFINISHED: '80', OUTBOX_TENANT_MIN_UNFINISHED: '20' }).relay.tenantWindow).toEqual({
      maxUnfinished: 80,
      minUnfinished: 20,
      windowMs: 5_000,
    });
    expect(() => loadConfig({ OUTBOX_TENANT_MAX_UNFINISHED: '30', OUTBOX_TENANT_MIN_UNFINISHED: '40' })).toThrow(
      /^Invalid environment variable OUTBOX_TENANT_MIN_UNFINISHED=40: must not exceed OUTBOX_TENANT_MAX_UNFINISHED \(30\)/,
    );
  });
});

describe("the relay's pace for backlogged tenants", () => {
  const events = (counts: Record<string, number>) => Object.entries(counts).flatMap(([tenant_id, n]) => Array.from({ length: n }, () => ({ tenant_id })));

  it('spaces the batches of a tenant that took its whole share while others send; a trickle and a tenant alone go at once', () => {
    const pace = new TenantPace(100);
    pace.claimed(1_000, afterClaim(events({ flood: 5, trickle: 1 }), { limit: 200, perTenant: 5 }).fullTenants);
    // Two tenants sending: the flooding one waits out its pace, the trickling one does not.
    expect(pace.pacedNow(1_050, 2)).toEqual(['flood']);
    expect(pace.nextInMs(1_050, 2)).toBe(50);
    // Alone, nobody is paced, and the relay does not shorten its sleep for it.
    expect(pace.pacedNow(1_050, 1)).toEqual([]);
    expect(pace.nextInMs(1_050, 1)).toBeUndefined();
    // Its pace over, it is claimed again.
    expect(pace.pacedNow(1_100, 2)).toEqual([]);
    expect(pace.nextInMs(1_100, 2)).toBeUndefined();
  });

  it('is off at 0', () => {
    const pace = new TenantPace(0);
    pace.claimed(1_000, afterClaim(events({ flood: 5 }), { limit: 200, perTenant: 5 }).fullTenants);
    expect(pace.pacedNow(1_000, 3)).toEqual([]);
  });
});
