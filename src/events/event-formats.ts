/**
 * The events room: what an event is, before it is written: tenant ids, event types and
 * patterns, typed event definitions and the error naming a bad field. Imports no other room.
 */
import { z } from 'zod';

// These mirror the CHECK constraints in migrations/0002_events.sql, so the TypeScript helper
// can name the bad field before anything reaches the database.

/** Tenant ids: 1-128 letters, digits, `_`, `.`, `-`, starting with a letter or digit. */
export const tenantIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, {
  error: 'must be 1 to 128 letters, digits, "_", "." or "-", starting with a letter or digit',
});

/** Event types such as `order.created`. */
export const eventTypeSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/, {
  error: 'must be 1 to 200 letters, digits, "_", "." or "-", e.g. order.created',
});

/** Idempotency keys travel as the `webhook-id` header and inside workflow ids: visible ASCII only. */
export const idempotencyKeySchema = z.string().regex(/^[!-~]{1,200}$/, { error: 'must be 1 to 200 visible ASCII characters without spaces' });

/** Subscription event patterns: an event type where `*` matches any run of characters. */
export const eventPatternSchema = z.string().regex(/^[A-Za-z0-9_.*-]{1,200}$/, {
  error: 'must be an event type where * matches anything, e.g. order.* or *',
});

const optionalText = z.string().min(1).max(200).optional();

/**
 * An event ready to enqueue. Build typed ones with {@link defineEvent}; plain objects are
 * validated by `enqueue` too.
 */
export const outboxEventSchema = z.object({
  tenant: tenantIdSchema,
  type: eventTypeSchema,
  payload: z.unknown().refine((value) => value !== undefined, { error: 'is required' }),
  idempotencyKey: idempotencyKeySchema.optional(),
  aggregateType: optionalText,
  aggregateId: optionalText,
  correlationId: optionalText,
  causationId: optionalText,
  eventVersion: z.number().int().positive().optional(),
  targets: z.array(z.string().min(1)).min(1).optional(),
});

/** See {@link outboxEventSchema}. */
export type OutboxEvent<TPayload = unknown> = Omit<z.input<typeof outboxEventSchema>, 'payload'> & { payload: TPayload };
