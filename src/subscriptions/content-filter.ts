import { z } from 'zod';

/**
 * Content filters: a subscription receives only the events its filter matches, e.g.
 * `{"data.total": {"$gte": 100}, "data.country": {"$in": ["DE", "FR"]}}`. Keys are dotted paths
 * into the envelope (`type`, `tenant`, `version`, `idempotencyKey`, `correlationId`,
 * `aggregate.type`, `aggregate.id`, and the payload under `data`); values are a literal (equals)
 * or operators: $eq $neq $gt $gte $lt $lte $in $nin $exists, combined with $and $or $not.
 */
export type ContentFilter = { [path: string]: unknown };

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const comparable = z.union([z.string(), z.number()], { error: 'must be a number or a string' });
const operators = {
  $eq: scalar,
  $neq: scalar,
  $gt: comparable,
  $gte: comparable,
  $lt: comparable,
  $lte: comparable,
  $in: z.array(scalar, { error: 'must be an array of values' }).max(1_000),
  $nin: z.array(scalar, { error: 'must be an array of values' }).max(1_000),
  $exists: z.boolean({ error: 'must be true or false' }),
} as const;
const PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Checks a filter's shape; each issue names its path (`data.total.$gte`). */
function check(filter: unknown, at: string[], issues: { field: string; message: string }[], depth: number): void {
  const here = (key?: string) => ['filter', ...at, ...(key === undefined ? [] : [key])].join('.');
  if (depth > 8) return void issues.push({ field: here(), message: 'nests too deep (8 levels at most)' });
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
    return void issues.push({ field: here(), message: 'must be an object of paths and conditions' });
  for (const [key, value] of Object.entries(filter as Record<string, unknown>)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) issues.push({ field: here(key), message: 'must be a non-empty array of filters' });
      else value.forEach((part, index) => check(part, [...at, key, String(index)], issues, depth + 1));
    } else if (key === '$not') {
      check(value, [...at, key], issues, depth + 1);
    } else if (key.startsWith('$')) {
      issues.push({ field: here(key), message: 'is not an operator here; use $and, $or or $not, or a path such as data.total' });
    } else if (!PATH.test(key)) {
      issues.push({ field: here(key), message: 'is not a path: dotted names of letters, digits, "_" or "-", e.g. data.customer.country' });
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).some((name) => name.startsWith('$'))) {
      for (const [operator, operand] of Object.entries(value as Record<string, unknown>)) {
        const schema = operators[operator as keyof typeof operators] as z.ZodType | undefined;
        if (!schema) issues.push({ field: here(`${key}.${operator}`), message: `is not an operator; use one of ${Object.keys(operators).join(' ')}` });
        else if (!schema.safeParse(operand).success)
          issues.push({ field: here(`${key}.${operator}`), message: schema.safeParse(operand).error!.issues[0]!.message });
      }
    } else if (!scalar.safeParse(value).success) {
      issues.push({ field: here(key), message: 'must be a value (string, number, boolean or null) or an object of operators such as {"$gte": 100}' });
    }
  }
}

/**
 * The filter's problems, each with its path; empty when it is valid.
 *
 * @example
 * contentFilterIssues({ 'data.total': { $gte: 'x' } }); // [] — strings compare too
 * contentFilterIssues({ 'data.total': { $between: [1, 2] } }); // [{ field: 'filter.data.total.$between', … }]
 */
export function contentFilterIssues(filter: unknown): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  check(filter, [], issues, 0);
  if (JSON.stringify(filter ?? null).length > 16_384) issues.push({ field: 'filter', message: 'is larger than 16 KiB' });
  return issues;
}

/** A validated filter, for subscription schemas. */
export const contentFilterSchema = z.custom<ContentFilter>().superRefine((filter, context) => {
  for (const issue of contentFilterIssues(filter)) context.addIssue({ code: 'custom', message: issue.message, path: issue.field.split('.').slice(1) });
});

const valueAt = (document: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), document);

function compare(actual: unknown, operator: string, operand: unknown): boolean {
  switch (operator) {
    case '$eq':
      return actual === operand;
    case '$neq':
      return actual !== operand;
    case '$in':
      return (operand as unknown[]).includes(actual);
    case '$nin':
      return !(operand as unknown[]).includes(actual);
    case '$exists':
      return (actual !== undefined) === operand;
    default: {
      // Ordering compares numbers with numbers and strings with strings only.
      if (typeof actual !== typeof operand || (typeof actual !== 'number' && typeof actual !== 'string')) return false;
      const [a, b] = [actual, operand as number | string];
      return operator === '$gt' ? a > b : operator === '$gte' ? a >= b : operator === '$lt' ? a < b : a <= b;
    }
  }
}

/**
 * Whether an event's envelope passes a (validated) filter: every entry must hold.
 *
 * @example
 * matchesContentFilter({ 'data.total': { $gte: 100 } }, { type: 'order.paid', data: { total: 120 } }); // true
 */
export function matchesContentFilter(filter: ContentFilter, envelope: unknown): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and') return (condition as ContentFilter[]).every((part) => matchesContentFilter(part, envelope));
    if (key === '$or') return (condition as ContentFilter[]).some((part) => matchesContentFilter(part, envelope));
    if (key === '$not') return !matchesContentFilter(condition as ContentFilter, envelope);
    const actual = valueAt(envelope, key);
    if (condition !== null && typeof condition === 'object')
      return Object.entries(condition).every(([operator, operand]) => compare(actual, operator, operand));
    return actual === condition;
  });
}

/** The envelope a filter's paths read, from an event row. */
export function filterEnvelope(event: {
  event_type: string;
  tenant_id: string;
  event_version: number;
  idempotency_key: string;
  correlation_id: string | null;
  aggregate_type: string | null;
  aggregate_id: string | null;
  payload: unknown;
}) {
  return {
    type: event.event_type,
    tenant: event.tenant_id,
    version: event.event_version,
    idempotencyKey: event.idempotency_key,
    correlationId: event.correlation_id,
    aggregate: { type: event.aggregate_type, id: event.aggregate_id },
    data: event.payload,
  };
}
