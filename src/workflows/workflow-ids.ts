// Workflow ids and task queues of an installation's delivery workflows (workflow code too: no imports).

/**
 * The workflow id for an event: derived from the installation, the tenant and the idempotency
 * key, so starting it twice is refused by Temporal and two outbox installations sharing a
 * namespace never collide. The relay writes it into outbox.events.workflow_id at dispatch.
 *
 * @example
 * workflowIdFor('3f9a1c2e07', 'acme', 'order-42-created'); // 'outbox:3f9a1c2e07:acme:order-42-created'
 */
export function workflowIdFor(installationId: string, tenant: string, idempotencyKey: string): string {
  return `${workflowIdPrefixFor(installationId)}${tenant}:${idempotencyKey}`;
}

/**
 * What every workflow id of an installation starts with (the worker's installation check).
 *
 * @example
 * workflowIdPrefixFor('3f9a1c2e07'); // 'outbox:3f9a1c2e07:'
 */
export function workflowIdPrefixFor(installationId: string): string {
  return `outbox:${installationId}:`;
}

/**
 * The task queue an installation uses unless TEMPORAL_TASK_QUEUE says otherwise: its own, so a
 * worker never polls another installation's workflows.
 *
 * @example
 * defaultTaskQueueFor('3f9a1c2e07'); // 'outbox-delivery-3f9a1c2e07'
 */
export function defaultTaskQueueFor(installationId: string): string {
  return `${LEGACY_TASK_QUEUE}-${installationId}`;
}

/**
 * The default task queue before installation ids (migration 0020). Workflows started then live
 * on it with ids `outbox:<tenant>:<key>`; the engine serves it while such workflows remain.
 */
export const LEGACY_TASK_QUEUE = 'outbox-delivery';
