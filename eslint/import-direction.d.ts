import type { Rule } from 'eslint';
/** The layers of src/'s rooms, top to bottom. */
export declare const LAYERS: string[][];
/** The rule: rooms import only rooms on lower layers; workflows import activities as types only. */
export declare const importDirection: Rule.RuleModule;
