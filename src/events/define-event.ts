import type { z } from 'zod';
import type { OutboxEvent } from './event-formats.js';
import { eventTypeSchema } from './event-formats.js';
import { InvalidEventError } from './invalid-event-error.js';

/** Everything about an event except its type, which the definition fixes. */
export type EventInput<TPayload> = Omit<OutboxEvent<TPayload>, 'type'>;

/** A typed event: its type name and the zod schema its payload must satisfy. */
export interface EventDefinition<TType extends string, TSchema extends z.ZodType> {
  readonly type: TType;
  readonly schema: TSchema;
  /** Validates the payload and returns an event for `enqueue`; throws {@link InvalidEventError}. */
  create(input: EventInput<z.input<TSchema>>): OutboxEvent<z.output<TSchema>> & { type: TType };
  /** Validates a received payload (e.g. in a consumer); throws {@link InvalidEventError}. */
  parse(payload: unknown): z.output<TSchema>;
}

/**
 * Declares an event type with a zod schema for its payload.
 *
 * @example
 * const OrderCreated = defineEvent('order.created', z.object({ orderId: z.string(), total: z.number() }));
 * await db.transaction().execute(async (trx) => {
 *   await trx.insertInto('orders').values(order).execute();
 *   await enqueue(trx, OrderCreated.create({ tenant: 'acme', idempotencyKey: `order-${order.id}`, payload: order }));
 * });
 */
export function defineEvent<TType extends string, TSchema extends z.ZodType>(type: TType, schema: TSchema): EventDefinition<TType, TSchema> {
  const typeCheck = eventTypeSchema.safeParse(type);
  if (!typeCheck.success) throw new InvalidEventError('event type passed to defineEvent', typeCheck.error);

  const parse = (payload: unknown): z.output<TSchema> => {
    const result = schema.safeParse(payload);
    if (!result.success) throw new InvalidEventError(`payload for event "${type}"`, result.error);
    return result.data;
  };
  return {
    type,
    schema,
    parse,
    create: (input) => ({ ...input, type, payload: parse(input.payload) }),
  };
}
