// The pure parts of the security review's fixes (issue 31), without PostgreSQL or Temporal: the
// in-flight limit behind test sends and replays, the metrics label cap for tenant-chosen names,
// the JSON depth guard, the address check of IPv4-compatible IPv6 forms, and the check of a
// signal's input that the workflow runs.
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../src/api/http-errors.js';
import { InFlightLimit } from '../src/api/in-flight-limit.js';
import { jsonDepthExceeds } from '../src/api/json-depth.js';
import { AddressPolicy } from '../src/egress/address-policy.js';
import { checkTargetUrl } from '../src/egress/check-target-url.js';
import { EngineMetrics } from '../src/metrics/engine-metrics.js';
import { checkSignal } from '../src/workflows/delivery-signals.js';

describe('in-flight limit (test sends, replays)', () => {
  it('gives each key its share and refuses beyond it with 429 and Retry-After, until a slot is released', () => {
    const limit = new InFlightLimit('test sends', { perKey: 2, total: 3 });
    const a1 = limit.acquire('acme');
    limit.acquire('acme');
    const refused = (() => {
      try {
        limit.acquire('acme');
      } catch (error) {
        return error;
      }
    })() as HttpProblem;
    expect(refused).toBeInstanceOf(HttpProblem);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.detail).toContain("this key's tenant has 2 under way");
    const b1 = limit.acquire('globex');
    // Three in all: even another tenant waits now.
    expect(() => limit.acquire('initech')).toThrow(/3 are under way/);
    a1();
    a1(); // releasing twice frees one slot only
    limit.acquire('initech');
    expect(() => limit.acquire('acme')).toThrow(HttpProblem);
    b1();
    limit.acquire('acme');
    expect(() => limit.acquire('acme')).toThrow(/this key's tenant has 2 under way \(at most 2\)/);
  });
});

describe('metrics labels of tenant-chosen subscription names', () => {
  it('keeps the first names and calls the rest "other"', () => {
    const metrics = new EngineMetrics({ maxSubscriptions: 2 });
    expect(['a', 'b', 'c', 'a', 'd'].map((name) => metrics.subscriptionLabel(name))).toEqual(['a', 'b', 'other', 'a', 'other']);
  });
});

describe('JSON depth guard', () => {
  it('counts nesting outside strings, escapes included', () => {
    expect(jsonDepthExceeds('{"a":[[1]]}', 2)).toBe(true);
    expect(jsonDepthExceeds('{"a":[1]}', 2)).toBe(false);
    expect(jsonDepthExceeds('{"a":"[[[[[[\\"[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toBe(true);
  });
});

describe('address check of IPv4-compatible IPv6 forms', () => {
  it.each(['http://[::127.0.0.1]/', 'http://[::7f00:1]/', 'http://[::a9fe:a9fe]/latest', 'http://[::10.0.0.1]/'])('refuses %s', async (url) => {
    const refusal = await checkTargetUrl(url, { addressPolicy: AddressPolicy.strict });
    expect(refusal?.message).toMatch(/is a (loopback|link-local|private)/);
  });
  it('still allows a public IPv6 address and the unspecified forms keep their own range', async () => {
    expect(await checkTargetUrl('http://[2606:4700::1111]/', { addressPolicy: AddressPolicy.strict })).toBeUndefined();
    expect((await checkTargetUrl('http://[::]/', { addressPolicy: AddressPolicy.strict }))?.message).toMatch(/unspecified/);
  });
});

describe("a signal's input", () => {
  const known = ['sv-dl', 'erp'];
  it.each([
    ['a string instead of a list', { subscriptions: 'not-sv-dl-at-all' }, /subscriptions must be a list of names.*got a string/],
    ['a list with a number', { subscriptions: ['erp', 7] }, /something other than names/],
    ['a list as the whole input', ['erp'], /must be an object/],
    ['a name in the wrong case', { subscriptions: ['sv-DL'] }, /no route of this event is named "sv-DL" \(names match exactly\); its routes: sv-dl, erp/],
  ])('refuses %s and acts on nothing', (_, input, reason) => {
    const checked = checkSignal(input, known);
    expect(checked.act).toBeUndefined();
    expect(checked.refused).toMatch(reason);
  });
  it('acts on the names it knows, reports the others, and passes the actor and reason on', () => {
    expect(checkSignal({ subscriptions: ['erp', 'nope'], actor: 'api-key:3', reason: ' typo ' }, known)).toEqual({
      act: { subscriptions: ['erp'], actor: 'api-key:3', reason: 'typo' },
      refused: expect.stringContaining('"nope"') as unknown,
    });
    expect(checkSignal(undefined, known).act).toEqual({ subscriptions: undefined, actor: undefined, reason: 'discarded by an operator (no reason given)' });
    expect(checkSignal({}, undefined).act?.subscriptions).toBeUndefined();
  });
});
