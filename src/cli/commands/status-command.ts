import { ENGINE_VERSION } from '../../config/engine-version.js';
import { loadConfig } from '../../config/load-config.js';
import { formatDuration } from '../../durations/duration.js';
import { createDatabase } from '../../db/create-database.js';
import { readLiveFigures, type LiveFigures } from '../../metrics/read-live-figures.js';
import { readOutboxStatus } from '../../outbox/read-status.js';

const HELD_BACK_WHY = { slow: 'recent answers took 500 ms or more', busy: 'its first-pass sends are at their cap' } as const;

/** One screen (or, without a terminal, one line) of `outbox status --watch`. */
function renderLive(figures: LiveFigures, intervalMs: number): string {
  const rate = (value: number | undefined) => (value === undefined ? '…' : value.toFixed(1));
  const rows: [string, string][] = [
    ['backlog (pending)', String(figures.pending)],
    ['  held for an open breaker', String(figures.held)],
    ['lag (oldest pending)', figures.pending === 0 ? '0s' : formatDuration(figures.lagSeconds * 1000)],
    ['in flight', String(figures.inFlight)],
    ['enqueued / s', rate(figures.rates?.enqueuedPerSecond)],
    ['delivered / s', rate(figures.rates?.deliveredPerSecond)],
    ['failed attempts / s', rate(figures.rates?.failedPerSecond)],
    ['open dead letters', String(figures.openDeadLetters)],
    ['open circuit breakers', String(figures.openBreakers)],
    ['disabled subscriptions', String(figures.disabledSubscriptions)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const time = new Date(figures.at).toISOString().replace('T', ' ').slice(0, 19);
  return [
    `outbox status, ${time} UTC (every ${formatDuration(intervalMs)}; Ctrl-C to stop)`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ].join('\n');
}

/** `outbox status --watch`: refreshes cheap figures until interrupted (or `count` refreshes). */
async function watchStatus(intervalMs: number, count: number | undefined): Promise<void> {
  const config = loadConfig();
  const database = createDatabase({ connectionString: config.databaseUrl, max: 1 });
  let stop = false;
  const interrupt = () => (stop = true);
  process.once('SIGINT', interrupt);
  const tty = process.stdout.isTTY;
  try {
    let figures: LiveFigures | undefined;
    for (let shown = 0; !stop && (count === undefined || shown < count); shown++) {
      figures = await readLiveFigures(database.db, figures);
      // On a terminal, redraw in place; piped, print one block per refresh.
      process.stdout.write(`${tty ? '\x1b[H\x1b[2J' : ''}${renderLive(figures, intervalMs)}\n${tty ? '' : '\n'}`);
      if (count !== undefined && shown + 1 >= count) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    process.off('SIGINT', interrupt);
    await database.close();
  }
}

/** `outbox status`: backlog, lag and counts by status. */
export async function statusCommand(options: { json?: boolean; watch?: boolean; interval?: number; count?: number }): Promise<void> {
  if (options.watch) return watchStatus(options.interval ?? 2_000, options.count);
  const config = loadConfig();
  const database = createDatabase({ connectionString: config.databaseUrl, max: 3 });
  try {
    const status = await readOutboxStatus(database.db, config.relay.tenantWindow);
    if (options.json) {
      console.log(JSON.stringify({ version: ENGINE_VERSION, ...status }, null, 2));
      return;
    }
    const age = status.oldestPendingAgeSeconds;
    const rows: [string, string][] = [
      ['engine version', ENGINE_VERSION],
      ['pending', String(status.pending)],
      ['  held for an open breaker', String(status.held)],
      ['oldest pending', age === null ? '-' : formatDuration(age * 1000)],
      ['dispatched (in flight)', String(status.byStatus.dispatched)],
      ['delivered', String(status.byStatus.delivered)],
      ['dead-lettered', String(status.byStatus.dead_lettered)],
      ['discarded', String(status.byStatus.discarded)],
      ['expired', String(status.byStatus.expired)],
      ['compensated (sagas)', String(status.byStatus.compensated)],
      ['open dead letters', String(status.openDeadLetters)],
      ['oldest dead letter', status.oldestDeadLetterAgeSeconds === null ? '-' : formatDuration(status.oldestDeadLetterAgeSeconds * 1000)],
      [
        'tenant admission window',
        `${status.admission.window} unfinished events each (a budget of ${status.admission.budget}, ${status.admission.tenantsSending} tenant(s) sending)`,
      ],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
    if (status.breakers.length > 0) {
      console.log('\ncircuit breakers');
      const now = Date.now();
      for (const breaker of status.breakers) {
        const since = breaker.failingSince ? `, failing for ${formatDuration(now - breaker.failingSince.getTime())}` : '';
        const probe =
          breaker.state === 'open' && breaker.nextProbeAt ? `, next probe in ${formatDuration(Math.max(0, breaker.nextProbeAt.getTime() - now))}` : '';
        const held = breaker.held > 0 ? `; ${breaker.held} event(s) held in PostgreSQL until it lets deliveries through` : '';
        console.log(`  ${breaker.state.padEnd(9)} ${breaker.endpoint}: ${breaker.consecutiveFailures} consecutive failure(s)${since}${probe}${held}`);
      }
    }
    if (status.disabledSubscriptions.length > 0) {
      console.log('\ndisabled subscriptions');
      for (const disabled of status.disabledSubscriptions) console.log(`  ${disabled.name}: ${disabled.reason ?? 'no reason recorded'}`);
    }
    if (status.heldTenants.length > 0) {
      const { budget, tenantsSending, window, windowMs } = status.admission;
      const shared = tenantsSending > 1 ? `, their part of a budget of ${budget} shared by the ${tenantsSending} tenants sending` : '';
      console.log(
        `\ntenants held back: ${window} events started in the last ${formatDuration(windowMs)} still unfinished${shared} (OUTBOX_TENANT_MAX_UNFINISHED); the rest wait`,
      );
      for (const held of status.heldTenants) console.log(`  ${held.tenant}: ${held.pending} pending`);
    }
    if (status.endpoints.length > 0) {
      console.log('\nendpoints in flight (as the running workers last reported; held back = first attempts go as regular activities, see README Flow control)');
      for (const line of status.endpoints) {
        const held = line.heldBack ? `, held back from the first pass: ${line.heldBack} (${HELD_BACK_WHY[line.heldBack]})` : '';
        console.log(
          `  ${line.subscription} (tenant ${line.tenant}): ${line.inFlight} in flight (${line.firstPass} in the first pass)${held}, answers in ~${line.averageMs} ms, ${line.workers} worker(s)`,
        );
      }
    }
    if (status.blockedLanes.length > 0) {
      console.log('\nordered deliveries held by a dead letter (retry or discard it to release the rest)');
      for (const lane of status.blockedLanes) {
        console.log(
          `  ${lane.subscription} ${lane.tenant}/${lane.orderingKey}: event ${lane.blockedByEventId} dead-lettered (dead letter ${lane.deadLetterId}), ${lane.waiting} later event(s) waiting`,
        );
      }
    }
    if (status.orphanedLanes.length > 0) {
      console.log('\nordered lanes held by a finished event (a running relay releases them within 30 s; none running? start one)');
      for (const lane of status.orphanedLanes) {
        console.log(
          `  ${lane.subscription} ${lane.tenant}/${lane.orderingKey}: event ${lane.eventId} is ${lane.eventStatus} but still holds its lane place, ${lane.waiting} later event(s) waiting`,
        );
      }
    }
  } finally {
    await database.close();
  }
}
