// Temporal Cloud Actions counted from a workflow run's history: what an event costs on a
// consumption-billed namespace. Pure: no I/O, so the bench, the tests and operators count alike.
import proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const types = proto.temporal.api.enums.v1.EventType;

/**
 * Actions of one run, by what caused them. The rules, from docs.temporal.io/cloud/actions
 * (read 2026-12-07):
 * - `start`: 1 for a workflow start or continue-as-new; a Signal-With-Start is 1 in all, so the
 *   signal that came with the start (the history's second event) is not counted again;
 * - `localActivities`: 1 for every workflow task that recorded markers, however many (all local
 *   activities and markers of one workflow task count once), plus 1 for each workflow-task
 *   heartbeat while a local activity ran past the task timeout (a task completed with no command
 *   and the next one scheduled at once);
 * - `upserts`: 1 per UpsertWorkflowSearchAttributes command (several attributes in one command
 *   count once; attributes given at start are free; one that sets only TemporalChangeVersion is free);
 * - `memo`: 1 per memo change (WorkflowPropertiesModified);
 * - `activities`: 1 per activity scheduled, and 1 per retry of it (its started event's attempt - 1);
 * - `timers`: 1 per timer, including those a `condition(…, timeout)` starts;
 * - `signals`: 1 per signal received (sending one from a workflow is the same Action, counted at
 *   the receiver, so the event's total counts it once);
 * - `children`: 2 per child workflow started;
 * - `optionsUpdated`: 1 per WorkflowExecutionOptionsUpdated.
 * Not in histories, so not counted: queries (1 each, the Temporal UI's call stack and our
 * console's status view are queries), activity heartbeats, rejected updates.
 */
export interface ActionCount {
  start: number;
  localActivities: number;
  upserts: number;
  memo: number;
  activities: number;
  timers: number;
  signals: number;
  children: number;
  optionsUpdated: number;
  total: number;
}

/** List prices per million Actions, USD (docs.temporal.io/cloud/pricing, read 2026-12-07): the first tier and the last. */
export const ACTION_LIST_PRICES = { firstTierPerMillion: 50, lastTierPerMillion: 25 } as const;

/**
 * Counts the billable Actions in one run's history events.
 *
 * @example
 * const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
 * countActions(events ?? []).total; // 2 for one webhook delivered at once
 */
export function countActions(events: readonly HistoryEvent[]): ActionCount {
  const count: ActionCount = {
    start: 0,
    localActivities: 0,
    upserts: 0,
    memo: 0,
    activities: 0,
    timers: 0,
    signals: 0,
    children: 0,
    optionsUpdated: 0,
    total: 0,
  };
  const is = (event: HistoryEvent | undefined, type: proto.temporal.api.enums.v1.EventType) => event !== undefined && event.eventType === type;
  let markersInTask = false;
  events.forEach((event, index) => {
    const next = events[index + 1];
    switch (event.eventType) {
      case types.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        count.start += 1;
        break;
      case types.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        markersInTask = false;
        // A task completed with no command and the next scheduled at once: a heartbeat of a task whose local activity runs on.
        if (is(next, types.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)) count.localActivities += 1;
        break;
      case types.EVENT_TYPE_MARKER_RECORDED:
        if (!markersInTask) count.localActivities += 1;
        markersInTask = true;
        break;
      case types.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (fields.some((name) => name !== 'TemporalChangeVersion')) count.upserts += 1;
        break;
      }
      case types.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
        count.memo += 1;
        break;
      case types.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        count.activities += 1;
        break;
      case types.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        count.activities += Math.max(0, (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
        break;
      case types.EVENT_TYPE_TIMER_STARTED:
        count.timers += 1;
        break;
      case types.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        // Signal-With-Start: the start already counted it.
        if (!(index === 1 && is(events[0], types.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED))) count.signals += 1;
        break;
      case types.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        count.children += 2;
        break;
      case types.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
        count.optionsUpdated += 1;
        break;
    }
  });
  count.total =
    count.start + count.localActivities + count.upserts + count.memo + count.activities + count.timers + count.signals + count.children + count.optionsUpdated;
  return count;
}

/** Dollars per million events at `actionsPerEvent`, at the first and the last list tier. */
export function dollarsPerMillionEvents(actionsPerEvent: number): { firstTier: number; lastTier: number } {
  return { firstTier: actionsPerEvent * ACTION_LIST_PRICES.firstTierPerMillion, lastTier: actionsPerEvent * ACTION_LIST_PRICES.lastTierPerMillion };
}
