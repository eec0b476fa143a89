// Types of actions-per-event.mjs for the TypeScript test that pins the counts.
import type { ActionCount } from '../src/temporal/count-actions.js';

export interface ActionScenario {
  name: string;
  key: string;
  /** The most Actions the scenario may take (issue 33's targets), where one is set. */
  target?: number;
}

export const ACTION_SCENARIOS: ActionScenario[];

export function measureActionsPerEvent(options: {
  adminUrl: string;
  temporalAddress?: string;
  databasePrefix?: string;
  onProgress?: (line: string) => void;
}): Promise<Array<ActionScenario & { workflowId: string; actions: ActionCount; dollars: { firstTier: number; lastTier: number } }>>;

export function formatActions(results: Awaited<ReturnType<typeof measureActionsPerEvent>>): string;
