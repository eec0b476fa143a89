import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** One retry, discard or replay someone asked for: who, on what, how many. */
export interface OperatorAction {
  action: 'retry' | 'discard' | 'replay';
  /** `api-key:<id>`, `portal-link:<id>` or `cli:<user>`. */
  actor: string;
  /** The tenant it was limited to (a tenant key's own), or null for an operator's across tenants. */
  tenant: string | null;
  /** The filter or ids as given. */
  selection: Record<string, unknown>;
  matched: number;
  signalled: number;
}

/**
 * Records an operator action in outbox.operator_actions (dry runs are not recorded: they change
 * nothing). The dead letters' own rows record who resolved them too (`resolved_by`).
 *
 * @example
 * await recordOperatorAction(db, { action: 'retry', actor: 'cli:alice', tenant: null, selection: { events: 'order.*' }, matched: 3, signalled: 3 });
 */
export async function recordOperatorAction(db: Kysely<Database>, action: OperatorAction): Promise<void> {
  await db
    .insertInto('outbox.operator_actions')
    .values({
      action: action.action,
      actor: action.actor,
      tenant_id: action.tenant,
      selection: JSON.stringify(action.selection),
      matched: action.matched,
      signalled: action.signalled,
    })
    .execute();
}

/** The CLI's actor: the operating-system user who ran the command. */
export function cliActor(env: NodeJS.ProcessEnv = process.env): string {
  return `cli:${env.USER ?? env.LOGNAME ?? 'unknown user'}`;
}
