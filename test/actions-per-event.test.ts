// What an event costs on Temporal Cloud (issue 33): the billed Actions of each scenario, counted
// from the real histories of the engine run as users run it (`outbox start` against the run's dev
// server), pinned exactly, so a change that adds an Action to any of them fails here. Counting is
// deterministic, unlike timing. The same measurement prints in `npm run bench`.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { measureActionsPerEvent } from '../bench/actions-per-event.mjs';
import { ADMIN_DATABASE_URL, TEST_DATABASE_PREFIX } from './helpers/database-urls.js';

type Results = Awaited<ReturnType<typeof measureActionsPerEvent>>;

describe('Actions per event', () => {
  let results: Results;
  const byKey = (key: string) => {
    const found = results.find((result) => result.key === key);
    if (!found) throw new Error(`no scenario ${key}`);
    return found;
  };
  beforeAll(async () => {
    results = await measureActionsPerEvent({
      adminUrl: ADMIN_DATABASE_URL,
      temporalAddress: inject('temporalAddress'),
      databasePrefix: `${TEST_DATABASE_PREFIX}actions_`,
    });
  }, 240_000);

  it('meets the targets: one webhook ≤ 2, fan-out of 3 ≤ 2, fail once ≤ 3, dead letter + operator retry ≤ 7', () => {
    const targeted = results.filter((scenario) => scenario.target !== undefined);
    expect(targeted.map((scenario) => scenario.key)).toEqual(['one', 'fanout', 'fail-once', 'dead-letter']);
    for (const result of targeted) expect(result.actions.total, result.name).toBeLessThanOrEqual(result.target!);
  });

  it('an event delivered at once costs its start and one workflow task of local activities, nothing else', () => {
    for (const key of ['one', 'fanout', 'fail-once', 'ordered', 'replay']) {
      expect({ key, ...byKey(key).actions }).toEqual({
        key,
        start: 1,
        localActivities: 1,
        upserts: 0,
        memo: 0,
        activities: 0,
        timers: 0,
        signals: 0,
        children: 0,
        optionsUpdated: 0,
        total: 2,
      });
    }
  });

  it('a dead letter costs one upsert to show it, one timer for the hold, the signal, and one upsert when delivered', () => {
    expect(byKey('dead-letter').actions).toEqual({
      start: 1,
      localActivities: 2,
      upserts: 2,
      memo: 0,
      activities: 0,
      timers: 1,
      signals: 1,
      children: 0,
      optionsUpdated: 0,
      total: 7,
    });
  });

  it('a saga that compensates shows Compensating and Compensated, and nothing on its happy steps', () => {
    expect(byKey('saga').actions).toMatchObject({ start: 1, upserts: 2, activities: 0, timers: 0, total: 4 });
  });

  it('prices each scenario at the first and the last list tier', () => {
    expect(byKey('one').dollars).toEqual({ firstTier: 100, lastTier: 50 });
    expect(byKey('dead-letter').dollars).toEqual({ firstTier: 350, lastTier: 175 });
  });
});
