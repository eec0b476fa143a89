import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import pLimit from 'p-limit';
import type { Database, EventStatus } from '../db/database.js';
import type { DeliveryMemo } from './start-delivery-workflow.js';

/** An event the outbox cannot account for, and why. */
export interface VerifyProblem {
  eventId: string;
  tenant: string;
  eventType: string;
  idempotencyKey: string;
  status: EventStatus;
  /** None while the event is pending. */
  workflowId: string | null;
  problem: string;
}

export interface VerifyReport {
  since: Date;
  /** Events by status among those checked. */
  counts: Record<EventStatus, number>;
  problems: VerifyProblem[];
}

/**
 * Checks that every event committed since `since` is accounted for: delivered, discarded,
 * expired or compensated (a saga undone); or in flight (dispatched or dead-lettered) with a running workflow; or pending for
 * less than `pendingGraceMs` (the relay has not reached it yet). Everything else is a problem.
 *
 * @example
 * const report = await verifyEvents(db, client, { since: new Date(Date.now() - 86_400_000) });
 * if (report.problems.length) process.exitCode = 1;
 */
export async function verifyEvents(
  db: Kysely<Database>,
  client: Client,
  options: { since: Date; pendingGraceMs?: number; concurrency?: number },
): Promise<VerifyReport> {
  const counts: Record<EventStatus, number> = { pending: 0, dispatched: 0, delivered: 0, dead_lettered: 0, discarded: 0, expired: 0, compensated: 0 };
  const totals = await db
    .selectFrom('outbox.events')
    .select(['status', sql<string>`count(*)`.as('n')])
    .where('created_at', '>=', options.since)
    .groupBy('status')
    .execute();
  for (const row of totals) counts[row.status] = Number(row.n);

  const open = await db
    .selectFrom('outbox.events')
    .select([
      sql<string>`id::text`.as('id'),
      'tenant_id',
      'event_type',
      'idempotency_key',
      'status',
      'workflow_id',
      'held_for',
      sql<string>`(extract(epoch FROM created_at) * 1000000)::bigint::text`.as('created_at_us'),
      sql<number>`extract(epoch FROM clock_timestamp() - created_at)::float8 * 1000`.as('age_ms'),
    ])
    .where('created_at', '>=', options.since)
    .where('status', 'in', ['pending', 'dispatched', 'dead_lettered'])
    .orderBy('id')
    .execute();

  const problems: VerifyProblem[] = [];
  const limit = pLimit(options.concurrency ?? 16);
  const grace = options.pendingGraceMs ?? 5 * 60_000;
  await Promise.all(
    open.map((event) =>
      limit(async () => {
        const report = (problem: string) =>
          problems.push({
            eventId: event.id,
            tenant: event.tenant_id,
            eventType: event.event_type,
            idempotencyKey: event.idempotency_key,
            status: event.status,
            workflowId: event.workflow_id,
            problem,
          });
        if (event.status === 'pending') {
          // Held for an open breaker: waiting on purpose (outbox status lists them per breaker).
          if (event.held_for !== null) return;
          if (event.age_ms > grace) report(`pending for ${Math.round(event.age_ms / 1000)}s: is a relay running?`);
          return;
        }
        if (!event.workflow_id) return report('it is dispatched but has no workflow id: it was marked by hand, or by an engine older than its migrations');
        try {
          const description = await client.workflow.getHandle(event.workflow_id).describe();
          const memo = (description.memo ?? {}) as DeliveryMemo;
          if (memo.eventId !== undefined && (memo.eventId !== event.id || memo.eventCreatedAtUs !== event.created_at_us)) {
            report(
              `its workflow ${event.workflow_id} delivers another event row (id ${memo.eventId}): another outbox installation shares the workflow id. ` +
                'Give this database its own installation id (outbox installation rename) and replay the event',
            );
          } else if (description.status.name !== 'RUNNING') {
            report(`its workflow ${event.workflow_id} is ${description.status.name.toLowerCase()} but the event is still ${event.status}`);
          }
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) report(`its workflow ${event.workflow_id} does not exist in Temporal`);
          else throw error;
        }
      }),
    ),
  );
  problems.sort((a, b) => Number(a.eventId) - Number(b.eventId));
  return { since: options.since, counts, problems };
}
