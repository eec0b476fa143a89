// The Action-counting rules (docs.temporal.io/cloud/actions) on hand-made histories, and the rule
// that decides when a lean workflow sets OutboxStatus. Pure: no server.
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { countActions, dollarsPerMillionEvents } from '../src/temporal/count-actions.js';
import { indexedStatusFor } from '../src/workflows/status-index.js';

const T = proto.temporal.api.enums.v1.EventType;
type Event = proto.temporal.api.history.v1.IHistoryEvent;
const event = (eventType: proto.temporal.api.enums.v1.EventType, attributes: Partial<Event> = {}): Event => ({ eventType, ...attributes });
const task = [event(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED), event(T.EVENT_TYPE_WORKFLOW_TASK_STARTED), event(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)];
const marker = event(T.EVENT_TYPE_MARKER_RECORDED);
const upsert = (...names: string[]) =>
  event(T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
    upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: Object.fromEntries(names.map((name) => [name, {}])) } },
  });

describe('countActions', () => {
  it('counts the start, and all markers of one workflow task as one', () => {
    const count = countActions([
      event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      ...task,
      marker,
      marker,
      marker,
      event(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
    ]);
    expect(count).toMatchObject({ start: 1, localActivities: 1, total: 2 });
  });

  it('counts markers of two workflow tasks twice, and a workflow-task heartbeat once', () => {
    const heartbeat = [...task, ...task];
    const count = countActions([event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED), ...heartbeat, marker, ...task, marker]);
    // The first task completed with no command and the next scheduled at once: a heartbeat.
    expect(count).toMatchObject({ localActivities: 3, total: 4 });
  });

  it('counts each upsert once however many attributes it sets, and not one that only sets TemporalChangeVersion', () => {
    const count = countActions([
      event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      ...task,
      upsert('OutboxStatus', 'OutboxTargets'),
      upsert('TemporalChangeVersion'),
    ]);
    expect(count).toMatchObject({ upserts: 1, total: 2 });
  });

  it('counts an activity and each retry of it, timers, signals, children twice, and a memo change', () => {
    const count = countActions([
      event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      ...task,
      event(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
      event(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, { activityTaskStartedEventAttributes: { attempt: 3 } }),
      event(T.EVENT_TYPE_TIMER_STARTED),
      event(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      event(T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
      event(T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED),
    ]);
    expect(count).toMatchObject({ activities: 3, timers: 1, signals: 1, children: 2, memo: 1, total: 9 });
  });

  it('counts a signal-with-start as the start alone', () => {
    const count = countActions([event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED), event(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), ...task, marker]);
    expect(count).toMatchObject({ start: 1, signals: 0, total: 2 });
  });

  it('prices Actions per event at $50 and $25 per million', () => {
    expect(dollarsPerMillionEvents(2)).toEqual({ firstTier: 100, lastTier: 50 });
  });
});

describe('indexedStatusFor (lean workflows)', () => {
  it('sets nothing on the happy path', () => {
    expect(indexedStatusFor('Dispatched', undefined, false)).toBeUndefined();
    expect(indexedStatusFor('Delivering', undefined, true)).toBeUndefined();
    expect(indexedStatusFor('Delivered', undefined, false)).toBeUndefined();
  });

  it('shows every status off the happy path, and Delivered or Delivering once one was shown', () => {
    for (const status of ['DeadLettered', 'Discarded', 'Expired', 'Compensating', 'Compensated', 'CompensationFailed'] as const) {
      expect(indexedStatusFor(status, undefined, false)).toBe(status);
    }
    expect(indexedStatusFor('Delivered', 'DeadLettered', false)).toBe('Delivered');
    // An operator's pass shows Delivering only once it retries durably.
    expect(indexedStatusFor('Delivering', 'DeadLettered', false)).toBe('DeadLettered');
    expect(indexedStatusFor('Delivering', 'DeadLettered', true)).toBe('Delivering');
  });
});
