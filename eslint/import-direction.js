// @ts-check
// The import direction between the rooms (folders) of src/: each room sits on a layer and may
// import only rooms on lower layers, so no two rooms can import each other, directly or round a
// circle. Workflow code imports activities as types only (it runs in Temporal's sandbox; the
// activities run on the worker). A new room goes on the lowest layer above everything it imports.
import path from 'node:path';

/** Top to bottom. */
export const LAYERS = [
  ['cli', 'index.ts', 'workflow.ts'],
  ['engine'],
  ['api', 'console'],
  ['config', 'replay'],
  ['dead-letters', 'outbox', 'temporal', 'worker'],
  ['workflows'],
  ['activities'],
  ['routing'],
  ['realtime', 'subscriptions'],
  ['targets'],
  ['catalog', 'failures', 'metrics', 'retention', 'sagas'],
  ['db', 'durations', 'egress', 'events', 'inbox', 'secrets', 'tracing'],
];

const layerOf = new Map(LAYERS.flatMap((rooms, index) => rooms.map((room) => [room, LAYERS.length - index])));

/** The room of a path under src/ (its first folder, or the file itself at the top), else undefined. */
function roomOf(file, srcDir) {
  const relative = path.relative(srcDir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep)[0];
}

/** @type {import('eslint').Rule.RuleModule} */
export const importDirection = {
  meta: {
    type: 'problem',
    docs: { description: 'Rooms of src/ import only rooms on lower layers (eslint/import-direction.js)' },
    schema: [],
  },
  create(context) {
    const srcDir = path.join(context.cwd, 'src');
    const file = context.filename;
    const from = roomOf(file, srcDir);
    if (from === undefined) return {};
    const check = (node, source, typeOnly) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = roomOf(path.resolve(path.dirname(file), source), srcDir);
      if (to === undefined || to === from) return;
      const [fromLayer, toLayer] = [layerOf.get(from), layerOf.get(to)];
      if (fromLayer === undefined || toLayer === undefined) {
        context.report({ node, message: `src/${fromLayer === undefined ? from : to} is on no layer: add it to LAYERS in eslint/import-direction.js` });
      } else if (toLayer >= fromLayer) {
        context.report({
          node,
          message: `src/${from} may not import src/${to}: ${to} is on ${toLayer === fromLayer ? 'the same layer' : 'a higher layer'} (eslint/import-direction.js). Move what both need to a lower room, or pass it in.`,
        });
      } else if (from === 'workflows' && to === 'activities' && !typeOnly) {
        context.report({
          node,
          message: 'workflow code imports activities as types only (import type …): activities run on the worker, not in the workflow sandbox',
        });
      }
    };
    return {
      ImportDeclaration: (node) =>
        check(
          node,
          node.source.value,
          node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.type === 'ImportSpecifier' && s.importKind === 'type')),
        ),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};
