// `outbox-temporal/workflow`: helpers for your own Temporal workflow code (safe in the workflow
// sandbox: no Node built-ins). Import the engine itself from `outbox-temporal`.
export { CompensationError, Compensations, runWithCompensations } from './workflows/compensations.js';
