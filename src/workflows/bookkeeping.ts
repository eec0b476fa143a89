// The bookkeeping local activities every part of the workflow uses (routing, dead letters,
// status, lanes), with one policy. Workflow code: no Node built-ins.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/create-activities.js';
import { failTaskOnWrongInstallation } from './wrong-installation.js';

export type Activities = ReturnType<typeof createActivities>;

/**
 * Bookkeeping against PostgreSQL, as local activities (short statements, no extra round trip
 * through the server), retried until the database answers: giving up would leave the outbox's
 * record of the event wrong. Each statement is idempotent, so a re-run after a crash is harmless.
 *
 * Retries are quick at first, inside the worker; once the backoff passes 10 s they wait on a
 * server timer instead (no workflow-task heartbeats meanwhile), at most 2 minutes apart. A
 * retry costs about 6 history events, so a database gone for 10 days stays under Temporal's
 * history limit (a step in flight cannot continue as new).
 */
const localBookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  localRetryThreshold: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '2m' },
});
/** The same, with the worker's installation check turned into a failed workflow task. */
export const bookkeeping = new Proxy(localBookkeeping, {
  get: (target, name: keyof Activities) => {
    const call = target[name] as (...args: unknown[]) => Promise<unknown>;
    return (...args: unknown[]) => call(...args).catch(failTaskOnWrongInstallation);
  },
}) as Activities;
