import { InvalidSagaError, type SagaStep } from '../../sagas/define-saga.js';
import { listSagas, removeSaga, saveSaga } from '../../sagas/saga-store.js';
import { printTable } from '../print-table.js';
import { withDatabase } from '../with-database.js';

export interface AddSagaFlags {
  name: string;
  events: string;
  tenant: string;
  step: string[];
  json?: boolean;
}

/** `reserve=psp-reserve/psp-release` → a step (the compensation after `/` is optional). */
export function parseStepFlag(value: string, index: number): SagaStep {
  const match = /^([^=/\s]+)=([^=/\s]+)(?:\/([^=/\s]+))?$/.exec(value);
  if (!match?.[1] || !match[2]) {
    throw new InvalidSagaError(
      `Invalid saga: --step ${index + 1} (${JSON.stringify(value)}) must be NAME=SUBSCRIPTION or NAME=SUBSCRIPTION/COMPENSATION-SUBSCRIPTION, e.g. charge=psp-charge/psp-refund. Nothing was saved.`,
      [{ field: `steps.${index}`, message: 'must be NAME=SUBSCRIPTION[/COMPENSATION]' }],
    );
  }
  return { name: match[1], target: match[2], ...(match[3] && { compensation: match[3] }) };
}

const describeSteps = (steps: SagaStep[]) =>
  steps.map((step) => `${step.name}→${step.target}${step.compensation ? ` (undo: ${step.compensation})` : ''}`).join(', ');

/** `outbox sagas add`: validates the steps (their subscriptions must exist) and stores the saga. */
export async function addSagaCommand(flags: AddSagaFlags): Promise<void> {
  const steps = flags.step.map(parseStepFlag);
  const saga = await withDatabase((db) => saveSaga(db, { name: flags.name, tenant: flags.tenant, events: flags.events, steps }));
  if (flags.json) {
    console.log(JSON.stringify(saga, null, 2));
    return;
  }
  console.log(`saga ${saga.name}: ${saga.events} of tenant ${saga.tenant} runs ${describeSteps(saga.steps)}`);
}

/** `outbox sagas list` */
export async function listSagasCommand(flags: { json?: boolean }): Promise<void> {
  const sagas = await withDatabase((db) => listSagas(db));
  if (flags.json) {
    console.log(JSON.stringify(sagas, null, 2));
    return;
  }
  if (sagas.length === 0) {
    console.log('no sagas: add one with `outbox sagas add --name payment --events payment.requested --step reserve=psp-reserve/psp-release …`');
    return;
  }
  printTable(
    ['NAME', 'TENANT', 'EVENTS', 'STEPS (in order; undo in reverse)'],
    sagas.map((saga) => [saga.name, saga.tenant, saga.events, describeSteps(saga.steps)]),
  );
}

/** `outbox sagas remove <name>` */
export async function removeSagaCommand(nameOrId: string): Promise<boolean> {
  if (await withDatabase((db) => removeSaga(db, nameOrId))) {
    console.log(`removed saga ${nameOrId}; its events go to plain subscriptions again (running sagas finish as they were)`);
    return true;
  }
  console.error(`error: no saga ${nameOrId}; see \`outbox sagas list\``);
  return false;
}
