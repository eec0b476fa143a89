import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { defineSaga, InvalidSagaError, sagaStepsSchema, type SagaDefinition, type SagaDefinitionInput, type SagaStep } from './define-saga.js';

/** A stored saga as operators see it. */
export interface StoredSaga {
  id: string;
  name: string;
  tenant: string;
  events: string;
  steps: SagaStep[];
  createdAt: Date;
}

function toStoredSaga(row: { id: string; name: string; tenant_id: string; event_pattern: string; steps: unknown; created_at: Date }): StoredSaga {
  return { id: row.id, name: row.name, tenant: row.tenant_id, events: row.event_pattern, steps: sagaStepsSchema.parse(row.steps), createdAt: row.created_at };
}

/**
 * Validates a saga and stores it, replacing the saga of the same name. Every step's target and
 * compensation must name an existing subscription; otherwise {@link InvalidSagaError} names the
 * step and nothing is written. Applies to events routed afterwards.
 *
 * @example
 * await saveSaga(db, defineSaga({ name: 'payment', events: 'payment.requested', steps: [...] }));
 */
export async function saveSaga(db: Kysely<Database>, input: SagaDefinitionInput | SagaDefinition): Promise<StoredSaga> {
  const saga = defineSaga(input);
  return db.transaction().execute(async (trx) => {
    const names = [...new Set(saga.steps.flatMap((step) => [step.target, ...(step.compensation ? [step.compensation] : [])]))];
    const known = new Set((await trx.selectFrom('outbox.subscriptions').select('name').where('name', 'in', names).execute()).map((row) => row.name));
    const issues = saga.steps.flatMap((step, index) =>
      (['target', 'compensation'] as const)
        .filter((field) => step[field] !== undefined && !known.has(step[field]))
        .map((field) => ({
          field: `steps.${index}.${field}`,
          message: `no subscription named "${step[field]}"; add it first (outbox subscriptions add --name ${step[field]} …)`,
        })),
    );
    if (issues.length > 0) {
      throw new InvalidSagaError(`Invalid saga: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}. Nothing was saved.`, issues);
    }
    const clash = await trx
      .selectFrom('outbox.sagas')
      .select('name')
      .where('tenant_id', '=', saga.tenant)
      .where('event_pattern', '=', saga.events)
      .where('name', '!=', saga.name)
      .executeTakeFirst();
    if (clash) {
      throw new InvalidSagaError(
        `Invalid saga: events: saga "${clash.name}" already handles ${saga.events} for tenant ${saga.tenant}; remove it or change the pattern. Nothing was saved.`,
        [{ field: 'events', message: `already handled by saga "${clash.name}"` }],
      );
    }
    const row = await trx
      .insertInto('outbox.sagas')
      .values({ name: saga.name, tenant_id: saga.tenant, event_pattern: saga.events, steps: JSON.stringify(saga.steps) })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ tenant_id: saga.tenant, event_pattern: saga.events, steps: JSON.stringify(saga.steps), updated_at: sql`now()` }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toStoredSaga(row);
  });
}

/** Every stored saga, oldest first. */
export async function listSagas(db: Kysely<Database>): Promise<StoredSaga[]> {
  const rows = await db.selectFrom('outbox.sagas').selectAll().orderBy('id').execute();
  return rows.map(toStoredSaga);
}

/** Removes a saga by name or id; its events are routed to plain subscriptions again. */
export async function removeSaga(db: Kysely<Database>, nameOrId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('outbox.sagas')
    .where((eb) => (/^\d+$/.test(nameOrId) ? eb.or([eb('id', '=', nameOrId), eb('name', '=', nameOrId)]) : eb('name', '=', nameOrId)))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
