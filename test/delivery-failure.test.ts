// Which answers are retried: the classifier (src/failures/classify-failure.ts) and the one table of
// retried failure types (src/failures/failure-types.ts) that workflow and activities share.
import { describe, expect, it } from 'vitest';
import { classifyHttpStatus, classifyTransportError, toApplicationFailure } from '../src/failures/classify-failure.js';
import { DeliveryError, MAX_RETRY_AFTER_MS, parseRetryAfter } from '../src/failures/delivery-error.js';
import { DeliveryFailureType, isRetriedByPolicy, isRetriedFailureType } from '../src/failures/failure-types.js';

describe('delivery failure classification', () => {
  it.each([
    [200, undefined],
    [204, undefined],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [301, false],
    [400, false],
    [401, false],
    [404, false],
    [410, false],
    [422, false],
  ])('HTTP %i → retryable %s', (status, retryable) => {
    expect(classifyHttpStatus(status, undefined, '')?.retryable).toBe(retryable);
  });

  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(classifyHttpStatus(503, '2', '')?.retryAfterMs).toBe(2000);
  });

  it('treats connection errors and timeouts as retryable', () => {
    const refused = Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    expect(classifyTransportError(refused)).toMatchObject({ retryable: true, message: 'could not reach target: connect ECONNREFUSED 127.0.0.1:1' });
    expect(classifyTransportError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toMatchObject({
      retryable: true,
      message: 'target did not answer before the timeout',
    });
  });

  it('turns a failure into an ApplicationFailure carrying attempt, status and Retry-After', () => {
    const failure = toApplicationFailure(classifyHttpStatus(429, '3', 'slow down')!, 2);
    expect(failure).toMatchObject({ type: 'DeliveryFailed', nonRetryable: false, nextRetryDelay: 3000, details: [{ attempt: 2, statusCode: 429 }] });
    expect(toApplicationFailure(classifyHttpStatus(400, undefined, '')!, 1)).toMatchObject({ type: 'DeliveryRejected', nonRetryable: true });
  });

  it('retries exactly the failure types a later attempt may cure', () => {
    const retried = Object.values(DeliveryFailureType).filter(isRetriedFailureType);
    expect(retried.sort()).toEqual(['CircuitOpen', 'DeliveryFailed', 'EgressProxyFailed', 'Throttled']);
    // A DeliveryError's retryability follows from its type alone.
    expect(new DeliveryError('x', { type: DeliveryFailureType.circuitOpen }).retryable).toBe(true);
    expect(new DeliveryError('x', { type: DeliveryFailureType.misconfigured }).retryable).toBe(false);
    expect(new DeliveryError('x').retryable).toBe(true);
    expect(toApplicationFailure(new DeliveryError('x', { type: DeliveryFailureType.subscriptionDisabled }), 1).nonRetryable).toBe(true);
  });

  it("decides a local first attempt's retry as the route's Temporal retry policy would", () => {
    const policy = { maximumAttempts: 5, nonRetryableErrorTypes: ['DeliveryRejected'] };
    expect(isRetriedByPolicy({ nonRetryable: false, type: 'DeliveryFailed' }, policy)).toBe(true);
    expect(isRetriedByPolicy({ nonRetryable: true, type: 'DeliveryFailed' }, policy)).toBe(false);
    expect(isRetriedByPolicy({ nonRetryable: false, type: 'DeliveryRejected' }, policy)).toBe(false);
    expect(isRetriedByPolicy({ nonRetryable: false, type: 'DeliveryFailed' }, { ...policy, maximumAttempts: 1 })).toBe(false);
    expect(isRetriedByPolicy({ nonRetryable: null, type: undefined }, policy)).toBe(true);
  });
});
