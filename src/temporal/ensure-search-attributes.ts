import type { Connection } from '@temporalio/client';
// @temporalio/proto is CommonJS: its namespace comes through the default export under ESM.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../workflows/definitions.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;

/** What ensureSearchAttributes found and did. */
export interface SearchAttributeCheck {
  /** Registered by this call. */
  added: string[];
  /** Still missing: the namespace would not let this engine add them (Temporal Cloud). */
  missing: string[];
  /** Why they could not be added, when some are missing. */
  reason?: string;
}

/**
 * Registers the outbox's search attributes in the namespace if any is missing. Where the
 * namespace does not allow it (Temporal Cloud adds them with `tcld` or its UI, not the operator
 * API; a self-hosted cluster may not grant the engine operator rights), it reports the missing
 * ones instead of failing: the engine then runs without them (see missingSearchAttributesAdvice).
 *
 * @example
 * const { added, missing } = await ensureSearchAttributes(connection, 'default');
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<SearchAttributeCheck> {
  let known: Set<string>;
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  } catch (error) {
    return { added: [], missing: Object.keys(SEARCH_ATTRIBUTE_DECLARATIONS), reason: `listing them failed: ${(error as Error).message.split('\n')[0]}` };
  }
  const missing = Object.entries(SEARCH_ATTRIBUTE_DECLARATIONS).filter(([name]) => !known.has(name));
  if (missing.length === 0) return { added: [], missing: [] };
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map(([name, type]) => [
          name,
          type === 'Keyword' ? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
        ]),
      ),
    });
    return { added: missing.map(([name]) => name), missing: [] };
  } catch (error) {
    return { added: [], missing: missing.map(([name]) => name), reason: (error as Error).message.split('\n')[0]! };
  }
}

/**
 * What to tell operators when attributes are missing: the commands that add them, and what works
 * without them meanwhile.
 *
 * @example
 * logger.warn(missingSearchAttributesAdvice(['OutboxTenant'], 'prod.a1b2c'));
 */
export function missingSearchAttributesAdvice(missing: string[], namespace: string): string {
  const pairs = missing.map((name) => `${name}=${SEARCH_ATTRIBUTE_DECLARATIONS[name]}`);
  return (
    `The namespace ${namespace} lacks the search attributes ${missing.join(', ')} and this engine may not add them. Add them once: ` +
    `Temporal Cloud: tcld namespace search-attributes add --namespace ${namespace} ${pairs.map((pair) => `--sa "${pair}"`).join(' ')}; ` +
    `a self-hosted cluster: ${missing.map((name) => `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${SEARCH_ATTRIBUTE_DECLARATIONS[name]}`).join(' && ')}. ` +
    'Until then events are delivered as usual, but their workflows carry no Outbox* attributes: the Temporal UI and `temporal workflow list --query` cannot filter by tenant, event type, status or target, ' +
    'and `outbox dlq`, `replay` and `status` (which read PostgreSQL) are unaffected. The engine checks again every 5 minutes.'
  );
}
