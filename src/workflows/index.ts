// Entry point of the workflow bundle: every workflow the worker can run.
export { deliverEvent } from './deliver-event.js';
