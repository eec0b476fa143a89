import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { defaultTaskQueueFor, LEGACY_TASK_QUEUE, workflowIdFor, workflowIdPrefixFor } from '../workflows/definitions.js';

/** Installation ids: 1–32 lowercase letters, digits and `-` (they go into workflow ids and task queues). */
export const installationIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: 'expected 1 to 32 lowercase letters, digits or "-", starting with a letter or digit' });

/** Which outbox installation a database is (outbox.installation, migration 0020). */
export interface Installation {
  id: string;
  /** Rows may still have workflows from before installation ids (see {@link LEGACY_TASK_QUEUE}). */
  legacyWorkflows: boolean;
}

/** The database has no installation row: it is not migrated (or the row was deleted by hand). */
export class InstallationMissingError extends Error {
  override readonly name = 'InstallationMissingError';
}

/**
 * Reads this database's installation. When the legacy flag is set, checks whether any row with
 * an old-style workflow id is still unfinished, and clears the flag once none is.
 *
 * @example
 * const { id } = await readInstallation(db); // e.g. '3f9a1c2e07'
 */
export async function readInstallation(db: Kysely<Database>): Promise<Installation> {
  const row = await db.selectFrom('outbox.installation').select(['id', 'legacy_workflows']).executeTakeFirst();
  if (!row) throw new InstallationMissingError('outbox.installation has no row: run `outbox migrate` (it creates the installation id).');
  if (!row.legacy_workflows) return { id: row.id, legacyWorkflows: false };
  const open = await db
    .selectFrom('outbox.events')
    .select('id')
    .where('status', 'in', ['pending', 'dispatched', 'dead_lettered'])
    .where('workflow_id', 'is not', null)
    .where(sql<boolean>`workflow_id NOT LIKE ${workflowIdPrefixFor(row.id).replace(/[\\%_]/g, '\\$&') + '%'}`)
    .limit(1)
    .executeTakeFirst();
  if (open) return { id: row.id, legacyWorkflows: true };
  await db.updateTable('outbox.installation').set({ legacy_workflows: false }).execute();
  return { id: row.id, legacyWorkflows: false };
}

/** A fresh random installation id (10 hex digits, as migration 0020 makes). */
export function generateInstallationId(): string {
  return randomBytes(5).toString('hex');
}

/**
 * Gives this database a new installation id: for a restored copy that must not be taken for the
 * original (a pg_dump or snapshot carries the original's id). Events dispatched afterwards get
 * workflow ids, a default task queue and message ids with the new id; workflows started under the
 * old id are the original's and are left alone (`outbox replay` gives such an event a new run).
 *
 * @example
 * const { previous, id } = await renameInstallation(db); // a generated id
 */
export async function renameInstallation(db: Kysely<Database>, newId: string = generateInstallationId()): Promise<{ previous: string; id: string }> {
  const parsed = installationIdSchema.safeParse(newId);
  if (!parsed.success) throw new Error(`installation id ${JSON.stringify(newId)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const before = await db.selectFrom('outbox.installation').select('id').executeTakeFirst();
  if (!before) throw new InstallationMissingError('outbox.installation has no row: run `outbox migrate` first.');
  await db.updateTable('outbox.installation').set({ id: parsed.data }).execute();
  return { previous: before.id, id: parsed.data };
}

/**
 * The workflow id an event row is delivered by: the one written at dispatch when it is this
 * installation's (or from before installation ids), otherwise a new one with this
 * installation's id (the row is pending, or was dispatched by the installation it was copied from).
 *
 * @example
 * workflowIdOfRow('3f9a1c2e07', { tenant_id: 'acme', idempotency_key: 'k1', workflow_id: null }); // 'outbox:3f9a1c2e07:acme:k1'
 */
export function workflowIdOfRow(installationId: string, row: { tenant_id: string; idempotency_key: string; workflow_id: string | null }): string {
  const own = workflowIdFor(installationId, row.tenant_id, row.idempotency_key);
  if (row.workflow_id === own || row.workflow_id === legacyWorkflowIdFor(row.tenant_id, row.idempotency_key)) return row.workflow_id;
  return own;
}

/** The workflow id of an event dispatched before installation ids existed (migration 0020). */
export function legacyWorkflowIdFor(tenant: string, idempotencyKey: string): string {
  return `outbox:${tenant}:${idempotencyKey}`;
}

/**
 * The task queue the relay starts workflows on and the worker polls: TEMPORAL_TASK_QUEUE when
 * it is set, otherwise the installation's own.
 *
 * @example
 * taskQueueOf({ taskQueue: undefined }, '3f9a1c2e07'); // 'outbox-delivery-3f9a1c2e07'
 */
export function taskQueueOf(config: { taskQueue: string | undefined }, installationId: string): string {
  return config.taskQueue ?? defaultTaskQueueFor(installationId);
}

export { LEGACY_TASK_QUEUE };
