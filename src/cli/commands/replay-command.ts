import { createInterface } from 'node:readline/promises';
import { readInstallation, taskQueueOf } from '../../outbox/installation.js';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../../config/load-config.js';
import { createDatabase } from '../../db/create-database.js';
import { findReplayEvents, type ReplayCandidate } from '../../replay/find-replay-events.js';
import { cliActor, recordOperatorAction } from '../../dead-letters/operator-actions.js';
import { withDatabase } from '../with-database.js';
import { replayEvents } from '../../replay/replay-events.js';
import { connectOperatorClient } from '../connect-temporal.js';
import { printTable } from '../print-table.js';

/** Above this many events, replay asks before it starts (or needs --yes). */
export const REPLAY_CONFIRM_THRESHOLD = 100;

export interface ReplayFlags {
  tenant: string;
  events: string;
  since: Date;
  until?: Date;
  correlationId?: string;
  subscription?: string[];
  dryRun?: boolean;
  yes?: boolean;
}

/** Replay refused: not confirmed, or nothing sensible to do. */
export class ReplayRefusedError extends Error {
  override readonly name = 'ReplayRefusedError';
}

function preview(events: ReplayCandidate[]): void {
  const shown = events.slice(0, 20);
  printTable(
    ['EVENT', 'TENANT', 'TYPE', 'KEY', 'STATUS', 'CREATED'],
    shown.map((e) => [e.id, e.tenant_id, e.event_type, e.idempotency_key, e.status, e.created_at.toISOString()]),
  );
  if (events.length > shown.length) console.log(`… and ${events.length - shown.length} more`);
}

async function confirm(count: number): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new ReplayRefusedError(`Refusing to replay ${count} events without confirmation: pass --yes (there is no terminal to ask on).`);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Replay ${count} events? Consumers will receive each again (same webhook-id). [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** `outbox replay`: select events, confirm, signal-with-start each, show progress, summarise. */
export async function replayCommand(flags: ReplayFlags): Promise<boolean> {
  const config = loadConfig();
  const until = flags.until ?? new Date();
  if (until <= flags.since) throw new ReplayRefusedError(`--until (${until.toISOString()}) must be after --since (${flags.since.toISOString()}).`);
  const database = createDatabase({ connectionString: config.databaseUrl, max: 1 });
  let events: ReplayCandidate[];
  let installationId: string;
  try {
    installationId = (await readInstallation(database.db)).id;
    events = await findReplayEvents(database.db, { tenant: flags.tenant, events: flags.events, since: flags.since, until, correlationId: flags.correlationId });
  } finally {
    await database.close();
  }
  const scope = `tenant ${flags.tenant}, events ${flags.events}, ${flags.since.toISOString()} to ${until.toISOString()}${flags.correlationId ? `, correlation id ${flags.correlationId}` : ''}${flags.subscription?.length ? `, subscriptions ${flags.subscription.join(', ')}` : ''}`;
  if (events.length === 0) {
    console.log(`no events to replay (${scope}; pending events are left to the relay)`);
    return true;
  }
  if (flags.dryRun) {
    console.log(`dry run: would replay ${events.length} event(s) (${scope})`);
    preview(events);
    return true;
  }
  if (events.length > REPLAY_CONFIRM_THRESHOLD && !flags.yes && !(await confirm(events.length))) {
    console.log('replay cancelled; nothing was sent');
    return true;
  }

  const temporal = await connectOperatorClient(config);
  const bar = new SingleBar({
    format: 'replaying [{bar}] {value}/{total} events',
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 2000,
    hideCursor: true,
  });
  bar.start(events.length, 0);
  try {
    const actor = cliActor();
    const outcome = await replayEvents(temporal.client, events, {
      installationId,
      taskQueue: taskQueueOf(config, installationId),
      deadLetterHoldMs: config.deadLetterHoldMs,
      subscriptions: flags.subscription,
      actor,
      onProgress: (done) => bar.update(done),
    });
    bar.stop();
    await withDatabase((db) =>
      recordOperatorAction(db, {
        action: 'replay',
        actor,
        tenant: flags.tenant === '*' ? null : flags.tenant,
        selection: {
          tenant: flags.tenant,
          events: flags.events,
          since: flags.since,
          until,
          correlationId: flags.correlationId,
          subscriptions: flags.subscription,
        },
        matched: events.length,
        signalled: outcome.replayed,
      }),
    );
    for (const { event, error } of outcome.failed) console.error(`event ${event.id} (${event.tenant_id}/${event.idempotency_key}): ${error}`);
    console.log(`replayed ${outcome.replayed} of ${events.length} event(s) (${scope})${outcome.failed.length ? `; ${outcome.failed.length} failed` : ''}`);
    return outcome.failed.length === 0;
  } finally {
    bar.stop();
    await temporal.close();
  }
}
