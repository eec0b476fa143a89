import type { Connection } from '@temporalio/client';
// @temporalio/proto is CommonJS: its namespace comes through the default export under ESM.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../workflows/definitions.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;

/**
 * Registers the outbox's search attributes in the namespace if any is missing; a workflow start
 * that names an unregistered attribute would be refused. Needs operator permission: where that is
 * not granted (e.g. Temporal Cloud), register them once by hand as the README shows.
 *
 * @example
 * const added = await ensureSearchAttributes(connection, 'default'); // ['OutboxTenant', ...] or []
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = Object.entries(SEARCH_ATTRIBUTE_DECLARATIONS).filter(([name]) => !known.has(name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map(([name, type]) => [
        name,
        type === 'Keyword' ? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
      ]),
    ),
  });
  return missing.map(([name]) => name);
}
