/**
 * The workflows room: the delivery workflow (deliver-event.ts) and its parts, run in Temporal's
 * deterministic sandbox: no Node built-ins, no I/O. This file is the bundle's entry point.
 * definitions.ts holds the signals, queries, search attributes and input types every caller
 * shares. May import activities/ as types only, routing/ (route types), failures/ (the
 * workflow-safe vocabulary) and db/ (types).
 */
export { deliverEvent } from './deliver-event.js';
