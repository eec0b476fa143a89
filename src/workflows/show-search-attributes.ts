// The workflow's search attributes, set through one function: a namespace without the Outbox*
// attributes (DeliverEventInput.searchAttributes === false) gets none. Workflow code.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { DeliverEventInput } from './definitions.js';

/**
 * Upserts the pairs, unless this namespace has no Outbox* search attributes.
 *
 * @example
 * showSearchAttributes(input, [{ key: searchAttributeKeys.status, value: 'Delivered' }]);
 */
export function showSearchAttributes(input: Pick<DeliverEventInput, 'searchAttributes'>, pairs: SearchAttributeUpdatePair[]): void {
  if (input.searchAttributes === false || pairs.length === 0) return;
  upsertSearchAttributes(pairs);
}
