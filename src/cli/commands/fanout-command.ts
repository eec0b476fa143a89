import type { FanoutStrategy } from '../../db/database.js';
import { listFanoutRules, removeFanoutRule, setFanoutRule } from '../../subscriptions/fanout-rules.js';
import { printTable } from '../print-table.js';
import { withDatabase } from '../with-database.js';

const MEANING: Record<FanoutStrategy, string> = {
  all: 'every subscription must succeed; each failure is dead-lettered',
  any: 'one success is enough; failures are dead-lettered only if none succeeded',
  primary: 'the primary must succeed (dead-lettered if not); the others are best effort',
};

/** `outbox fanout set` */
export async function fanoutSetCommand(flags: { tenant: string; events: string; strategy: FanoutStrategy; primary?: string }): Promise<void> {
  const rule = await withDatabase((db) => setFanoutRule(db, flags));
  console.log(
    `fan-out for ${rule.events} of tenant ${rule.tenant}: ${rule.strategy}${rule.primary ? ` (primary ${rule.primary})` : ''}: ${MEANING[rule.strategy]}`,
  );
}

/** `outbox fanout list` */
export async function fanoutListCommand(flags: { json?: boolean }): Promise<void> {
  const rules = await withDatabase((db) => listFanoutRules(db));
  if (flags.json) {
    console.log(JSON.stringify(rules, null, 2));
    return;
  }
  if (rules.length === 0) {
    console.log('no fan-out rules: every event needs all its subscriptions (strategy all)');
    return;
  }
  printTable(
    ['ID', 'TENANT', 'EVENTS', 'STRATEGY', 'PRIMARY'],
    rules.map((rule) => [rule.id, rule.tenant, rule.events, rule.strategy, rule.primary ?? '-']),
  );
}

/** `outbox fanout remove <id>` */
export async function fanoutRemoveCommand(id: string): Promise<boolean> {
  if (await withDatabase((db) => removeFanoutRule(db, id))) {
    console.log(`removed fan-out rule ${id}; its events need all their subscriptions again`);
    return true;
  }
  console.error(`error: no fan-out rule ${id}; see \`outbox fanout list\``);
  return false;
}
