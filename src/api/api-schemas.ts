import { z } from 'zod';
import { HttpProblem } from './http-errors.js';
import { isBigintId } from '../subscriptions/find-subscription.js';

/**
 * An id (`what`: "an event id", …) as a string of digits within PostgreSQL's bigint: a longer
 * one is refused as a bad request, never passed to a query that would fail on it.
 *
 * @example
 * z.object({ id: idString('an event id') });
 */
export const idString = (what: string) => z.string().refine(isBigintId, { error: `must be ${what} (digits, at most 9223372036854775807)` });

/** A time as answers show it: ISO 8601 in UTC, e.g. 2026-12-07T18:05:11.000Z (format date-time). */
export const timestamp = z.iso.datetime();

/** What one attempt came to, as the delivery log records it. */
export const deliveryOutcome = z.enum(['delivered', 'retryable_failure', 'permanent_failure', 'skipped']);

/** RFC 9457 problem document, as every 4xx and 5xx under /v1 answers. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

/** The problem answers every route may give, for its `response` schema. */
export const problemResponses = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/** `?limit=&cursor=`: a page of a list in a stable order (by id), continued with `nextCursor`. */
export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50).describe('items per page, 1 to 200 (default 50)'),
    cursor: z.string().max(200).optional().describe('the nextCursor of the previous page'),
  })
  .strict();

/** The cursor a page ends with: the last id, opaque to clients. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

/** The id a cursor continues after, or undefined when it is not one this API gave out. */
export function decodeCursor(cursor: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof parsed.after === 'string' && isBigintId(parsed.after) ? parsed.after : undefined;
  } catch {
    return undefined;
  }
}

export const idParamsSchema = z.object({ id: z.string().min(1).max(128).describe('the id or the name') }).strict();

/** A cursor this API did not give out: 400, naming the field. */
export const badCursor = () =>
  new HttpProblem(
    400,
    'Invalid cursor',
    'cursor: not one this API gave out; send the nextCursor of the previous page, or leave it out to start at the beginning.',
    [{ field: 'querystring.cursor', message: 'is not a cursor this API gave out' }],
  );
