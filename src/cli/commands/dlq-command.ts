import { formatDuration } from '../../durations/duration.js';
import { loadConfig } from '../../config/load-config.js';
import { createDatabase } from '../../db/create-database.js';
import { listOpenDeadLetters, type DeadLetterFilter, type OpenDeadLetter } from '../../dead-letters/list-dead-letters.js';
import { signalDeadLetters } from '../../dead-letters/signal-dead-letters.js';
import { cliActor, recordOperatorAction } from '../../dead-letters/operator-actions.js';
import { withDatabase } from '../with-database.js';
import { connectOperatorClient } from '../connect-temporal.js';
import { printTable } from '../print-table.js';

/** A dead-letter command was given nothing to act on, or conflicting selections. */
export class DeadLetterSelectionError extends Error {
  override readonly name = 'DeadLetterSelectionError';
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `outbox dlq list` */
export async function dlqListCommand(flags: { tenant?: string; events?: string; json?: boolean }): Promise<void> {
  const database = createDatabase({ connectionString: loadConfig().databaseUrl, max: 1 });
  try {
    const deadLetters = await listOpenDeadLetters(database.db, flags);
    if (flags.json) {
      console.log(JSON.stringify(deadLetters, null, 2));
      return;
    }
    if (deadLetters.length === 0) {
      console.log('no open dead letters');
      return;
    }
    const now = Date.now();
    printTable(
      ['ID', 'EVENT', 'TENANT', 'TYPE', 'KEY', 'SUBSCRIPTION', 'ATTEMPTS', 'HTTP', 'AGE', 'LAST ERROR'],
      deadLetters.map((d) => [
        d.id,
        d.eventId,
        d.tenant,
        d.eventType,
        d.idempotencyKey,
        d.subscription,
        String(d.attempts),
        d.lastStatusCode === null ? '-' : String(d.lastStatusCode),
        formatDuration(now - d.createdAt.getTime()),
        oneLine(d.lastError, 70),
      ]),
    );
    console.log(`\n${deadLetters.length} open dead letter(s). Retry: outbox dlq retry <id…>   Discard: outbox dlq discard <id…> --reason '…'`);
  } finally {
    await database.close();
  }
}

/** `outbox dlq retry|discard`: select open dead letters, signal their workflows, report. */
export async function dlqActionCommand(
  action: 'retry' | 'discard',
  ids: string[],
  flags: { all?: boolean; tenant?: string; events?: string; reason?: string },
): Promise<boolean> {
  if (ids.length > 0 && flags.all) throw new DeadLetterSelectionError('Give dead-letter ids or --all, not both.');
  if (ids.length === 0 && !flags.all) {
    throw new DeadLetterSelectionError(
      `Name the dead letters to ${action} (ids from \`outbox dlq list\`), or pass --all (with --tenant/--events to narrow it).`,
    );
  }
  const bad = ids.filter((id) => !/^\d+$/.test(id));
  if (bad.length) throw new DeadLetterSelectionError(`Not a dead-letter id: ${bad.join(', ')} (ids are numbers; see \`outbox dlq list\`).`);

  const config = loadConfig();
  const database = createDatabase({ connectionString: config.databaseUrl, max: 1 });
  let selected: OpenDeadLetter[];
  try {
    const filter: DeadLetterFilter = flags.all ? { tenant: flags.tenant, events: flags.events } : { ids };
    selected = await listOpenDeadLetters(database.db, filter);
  } finally {
    await database.close();
  }
  const missing = ids.filter((id) => !selected.some((deadLetter) => deadLetter.id === id));
  for (const id of missing) console.error(`dead letter ${id}: not open (already retried, discarded or expired, or no such id)`);
  if (selected.length === 0) {
    console.log(`nothing to ${action}: no matching open dead letters`);
    return missing.length === 0;
  }

  const temporal = await connectOperatorClient(config);
  try {
    const actor = cliActor();
    const outcome = await signalDeadLetters(temporal.client, selected, action === 'retry' ? { action, actor } : { action, reason: flags.reason ?? '', actor });
    await withDatabase((db) =>
      recordOperatorAction(db, {
        action,
        actor,
        tenant: flags.all && flags.tenant !== undefined && flags.tenant !== '*' ? flags.tenant : null,
        selection: flags.all ? { all: true, tenant: flags.tenant, events: flags.events } : { ids },
        matched: selected.length,
        signalled: outcome.signalled.length,
      }),
    );
    for (const { deadLetter, error } of outcome.failed) console.error(`dead letter ${deadLetter.id} (event ${deadLetter.eventId}): ${error}`);
    const verb = action === 'retry' ? 'retry' : 'discard';
    console.log(
      `${verb} signalled for ${outcome.signalled.length} dead letter(s) on ${outcome.workflows - new Set(outcome.failed.map((f) => f.deadLetter.workflowId)).size} workflow(s)` +
        (outcome.failed.length ? `; ${outcome.failed.length} failed` : '') +
        '. The workflows resolve them; follow with `outbox dlq list` or the Temporal UI.',
    );
    return outcome.failed.length === 0 && missing.length === 0;
  } finally {
    await temporal.close();
  }
}
