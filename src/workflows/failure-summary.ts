// Reads what a failed delivery pass left behind; workflow code, so no Node built-ins.
import { type ActivityFailure, ApplicationFailure, TimeoutFailure, type TemporalFailure } from '@temporalio/workflow';
import type { DeliveryFailureDetails } from '../failures/failure-types.js';

export interface FailureSummary {
  message: string;
  attempts: number | undefined;
  statusCode: number | null;
  /** The failure carries no attempt details (a deadline): the delivery log has the last attempt. */
  completeFromDeliveryLog: boolean;
}

/**
 * The last error, attempt count and status code of a failed `deliver` activity. The deliver
 * activity attaches DeliveryFailureDetails to its ApplicationFailures; a deadline (schedule-to-
 * close timeout) wraps the last one in a TimeoutFailure.
 */
export function summariseFailure(error: ActivityFailure | ApplicationFailure): FailureSummary {
  let application: ApplicationFailure | undefined;
  let timeout: TimeoutFailure | undefined;
  // A local activity's failure can arrive as the ApplicationFailure itself, not wrapped.
  for (let cause: Error | undefined = error instanceof ApplicationFailure ? error : error.cause; cause; cause = (cause as TemporalFailure).cause) {
    if (cause instanceof ApplicationFailure) application ??= cause;
    if (cause instanceof TimeoutFailure) timeout ??= cause;
  }
  const details = application?.details?.[0] as DeliveryFailureDetails | undefined;
  const lastError = application?.message ?? error.cause?.message ?? error.message;
  let message = lastError;
  if (timeout?.timeoutType === 'SCHEDULE_TO_CLOSE') message = 'the delivery deadline passed';
  else if (timeout) message = `the attempt timed out (${timeout.timeoutType}); the worker may have been stopped or overloaded`;
  return {
    message,
    attempts: details?.attempt,
    statusCode: details?.statusCode ?? null,
    completeFromDeliveryLog: timeout !== undefined && !application,
  };
}
