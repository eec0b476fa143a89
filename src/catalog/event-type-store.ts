import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { eventTypeSchema } from '../events/event-formats.js';
import type { EventDefinition } from '../events/define-event.js';
import { compilePayloadSchema } from './compile-schema.js';

/** One version of an event type in the catalog. */
export interface EventType {
  type: string;
  version: number;
  description: string | null;
  /** The JSON Schema the payload must satisfy. */
  schema: Record<string, unknown>;
  deprecated: boolean;
  updatedAt: Date;
}

/** A registration was refused; `issues` names each bad field. Nothing was written. */
export class InvalidEventTypeError extends Error {
  override readonly name = 'InvalidEventTypeError';
  constructor(
    message: string,
    readonly issues: { field: string; message: string }[],
  ) {
    super(message);
  }
}

const registrationSchema = z
  .object({
    type: eventTypeSchema,
    version: z.number().int().min(1, { error: 'must be 1 or more' }).max(32_767).default(1),
    description: z.string().max(2_000).nullish(),
    schema: z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' }),
    deprecated: z.boolean().default(false),
  })
  .strict();

type Row = { event_type: string; version: number; description: string | null; schema: Record<string, unknown>; deprecated: boolean; updated_at: Date };
const toEventType = (row: Row): EventType => ({
  type: row.event_type,
  version: row.version,
  description: row.description,
  schema: row.schema,
  deprecated: row.deprecated,
  updatedAt: row.updated_at,
});

/**
 * Registers (or replaces) one version of an event type with the JSON Schema its payloads must
 * satisfy. The schema is compiled first: one that is not valid JSON Schema is refused, with
 * why, and nothing is written. Workers pick it up within 10 s.
 *
 * @example
 * await registerEventType(db, { type: 'order.created', version: 1, schema: { type: 'object', required: ['orderId'] }, description: 'An order was placed' });
 */
export async function registerEventType(db: Kysely<Database>, input: z.input<typeof registrationSchema>): Promise<EventType> {
  const parsed = registrationSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'value', message: issue.message }));
    throw new InvalidEventTypeError(`Invalid event type: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}. Nothing was saved.`, issues);
  }
  const entry = parsed.data;
  try {
    compilePayloadSchema(entry.schema);
  } catch (error) {
    const message = `is not a valid JSON Schema: ${(error as Error).message}`;
    throw new InvalidEventTypeError(`Invalid event type: schema: ${message}. Nothing was saved.`, [{ field: 'schema', message }]);
  }
  const { rows } = await sql<Row>`
    INSERT INTO outbox.event_types (event_type, version, description, schema, deprecated)
    VALUES (${entry.type}, ${entry.version}, ${entry.description ?? null}, ${JSON.stringify(entry.schema)}::jsonb, ${entry.deprecated})
    ON CONFLICT (event_type, version) DO UPDATE SET description = excluded.description, schema = excluded.schema, deprecated = excluded.deprecated, updated_at = now()
    RETURNING event_type, version, description, schema, deprecated, updated_at`.execute(db);
  return toEventType(rows[0]!);
}

/**
 * Registers a zod `defineEvent` definition: its schema converted to JSON Schema (zod 4).
 *
 * @example
 * await registerEventDefinition(db, OrderCreated, { description: 'An order was placed' });
 */
export async function registerEventDefinition(
  db: Kysely<Database>,
  definition: EventDefinition<string, z.ZodType>,
  options: { version?: number; description?: string; deprecated?: boolean } = {},
): Promise<EventType> {
  const schema = z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return registerEventType(db, { type: definition.type, schema, ...options });
}

/**
 * The catalog, by type and version; one type's versions with `type`.
 *
 * @example
 * for (const t of await listEventTypes(db)) console.log(t.type, t.version, t.deprecated ? '(deprecated)' : '');
 */
export async function listEventTypes(db: Kysely<Database>, type?: string): Promise<EventType[]> {
  const { rows } = await sql<Row>`
    SELECT event_type, version, description, schema, deprecated, updated_at FROM outbox.event_types
     WHERE ${type ?? null}::text IS NULL OR event_type = ${type ?? null} ORDER BY event_type, version`.execute(db);
  return rows.map(toEventType);
}

/**
 * Removes one version of a type (every version when `version` is absent); returns how many.
 * Payloads of a removed version are no longer checked.
 *
 * @example
 * await removeEventType(db, 'order.created', 1);
 */
export async function removeEventType(db: Kysely<Database>, type: string, version?: number): Promise<number> {
  const result =
    await sql`DELETE FROM outbox.event_types WHERE event_type = ${type} AND (${version ?? null}::int IS NULL OR version = ${version ?? null})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
