// The installation check's failure type, shared by the worker's guard and the workflow (no Node
// built-ins: workflow code imports this file).
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

/** Failure type of an activity refused because its workflow is another installation's. */
export const WRONG_INSTALLATION = 'WrongInstallation';

/**
 * Thrown by workflow code (a plain Error, not an ApplicationFailure) so that the workflow TASK
 * fails instead of the workflow: Temporal retries the task, and the worker of the workflow's own
 * installation takes it, while nothing of this attempt is recorded in the history.
 */
export class WrongInstallationError extends Error {
  override readonly name = 'WrongInstallationError';
}

/**
 * Re-throws an activity failure from the installation check as a {@link WrongInstallationError};
 * any other error unchanged.
 *
 * @example
 * await bookkeeping.resolveRoutes(input).catch(failTaskOnWrongInstallation);
 */
export function failTaskOnWrongInstallation(error: unknown): never {
  const refusal = wrongInstallationFailure(error);
  if (refusal) throw new WrongInstallationError(refusal.message);
  throw error;
}

/** True when `error` is (or wraps) the installation check's refusal. */
export function isWrongInstallation(error: unknown): boolean {
  return wrongInstallationFailure(error) !== undefined;
}

// A local activity's failure can arrive unwrapped (the ApplicationFailure itself).
function wrongInstallationFailure(error: unknown): ApplicationFailure | undefined {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.type === WRONG_INSTALLATION ? failure : undefined;
}
