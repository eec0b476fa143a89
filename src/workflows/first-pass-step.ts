// The workflow's side of the first pass (activities/first-pass.ts): the local activity that
// routes an event and makes its plain routes' first attempts, and what its answer means for
// the routes. Workflow code: no Node built-ins.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/create-activities.js';
import type { FirstAttempt } from '../activities/first-pass.js';
import { failTaskOnWrongInstallation } from './wrong-installation.js';
import type { RouteRun } from './route-delivery.js';

type Activities = ReturnType<typeof createActivities>;

/**
 * Bookkeeping's policy (retried until the database answers), with room for the slowest send
 * the pass makes (FIRST_PASS_MAX_TIMEOUT_MS, 30 s) and its reads and writes.
 */
const { firstPass } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '45s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** The first pass, with the worker's installation check turned into a failed workflow task. */
export function runFirstPass(input: { eventId: string; workflowId: string }): ReturnType<Activities['firstPass']> {
  return firstPass(input).catch(failTaskOnWrongInstallation);
}

/** Applies the first pass's attempts to the routes: delivered ones are done, failed ones carry their failure. */
export function takeFirstAttempts(runs: Map<string, RouteRun>, attempts: Record<string, FirstAttempt> | undefined): void {
  for (const [name, attempt] of Object.entries(attempts ?? {})) {
    const run = runs.get(name);
    if (!run) continue;
    if ('delivered' in attempt) {
      Object.assign(run.status, {
        state: 'delivered',
        passes: 1,
        attempts: attempt.delivered.attempt,
        lastStatusCode: attempt.delivered.statusCode,
        ...(attempt.delivered.skipped && { skipped: true }),
      });
    } else run.firstAttempt = attempt;
  }
}
