import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { workflowIdPrefixFor } from '../workflows/definitions.js';
import { WRONG_INSTALLATION } from '../workflows/wrong-installation.js';

/** Legacy workflow ids already matched to a row of this database (bounded; an LRU is not needed). */
const VERIFIED_LIMIT = 10_000;

/**
 * Refuses every activity of a workflow that is not this installation's, before it reads or
 * writes a row: two installations on one namespace and one task queue (an explicit
 * TEMPORAL_TASK_QUEUE shared by mistake) would otherwise deliver each other's events with the
 * wrong rows, since event ids are per database. A workflow id carries its installation
 * (`outbox:<installation>:…`); one from before installation ids is accepted when this database
 * has that very workflow id on the event row the activity names.
 *
 * The refusal is a `WrongInstallation` failure. A local activity's is non-retryable, and the
 * workflow turns it into a failed workflow task (see wrong-installation.ts), which Temporal
 * retries, so the workflow goes on with its own installation's worker and nothing is recorded
 * against the wrong database. A regular activity's is retried (after 1 s), so that its own
 * installation's worker takes a later attempt.
 *
 * @example
 * interceptors: { activity: [installationGuard({ db, installationId })] }
 */
export function installationGuard(options: { db: Kysely<Database>; installationId: string }) {
  const prefix = workflowIdPrefixFor(options.installationId);
  const verified = new Set<string>();

  async function belongsHere(workflowId: string, args: unknown[]): Promise<boolean> {
    if (workflowId.startsWith(prefix) || verified.has(workflowId)) return true;
    // Not this installation's prefix: from before installation ids (then this database has the
    // id on the named row), or another installation's.
    const eventId = (args[0] as { eventId?: unknown } | undefined)?.eventId;
    // Activities that name no event (rate-limit slots, dead-letter resolution) touch no event row.
    if (typeof eventId !== 'string') return true;
    const row = await options.db.selectFrom('outbox.events').select('id').where('id', '=', eventId).where('workflow_id', '=', workflowId).executeTakeFirst();
    if (!row) return false;
    if (verified.size >= VERIFIED_LIMIT) verified.clear();
    verified.add(workflowId);
    return true;
  }

  return (context: Context): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      execute: async (input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) => {
        const workflowId = context.info.workflowExecution?.workflowId;
        if (workflowId !== undefined && !(await belongsHere(workflowId, input.args))) {
          // A local activity's refusal fails the workflow task (nothing recorded, see above). A
          // regular activity's failure would be recorded in the history, and every replay would
          // fail the task again: it is retried instead, soon, so the right worker can take it.
          const local = context.info.isLocal;
          throw ApplicationFailure.create({
            type: WRONG_INSTALLATION,
            nonRetryable: local,
            ...(!local && { nextRetryDelay: '1s' }),
            message:
              `workflow ${workflowId} is not one of installation ${options.installationId}'s (its ids start with ${prefix}): ` +
              'another outbox installation shares this task queue. Give each installation its own TEMPORAL_TASK_QUEUE (or leave it unset).',
          });
        }
        return next(input);
      },
    },
  });
}
