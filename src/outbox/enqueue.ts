import { context, propagation, trace } from '@opentelemetry/api';
import { CompiledQuery, type QueryExecutorProvider } from 'kysely';
import { z } from 'zod';
import { outboxEventSchema, type OutboxEvent } from '../events/event-formats.js';
import { InvalidEventError } from '../events/invalid-event-error.js';

/** Something that can run a query: a pg `Pool`/`Client`/`PoolClient`. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Where to write: a Kysely `Transaction` (the usual case: same transaction as your business
 * rows), a `Kysely` instance, or a node-postgres pool or client (inside your `BEGIN … COMMIT`).
 */
export type OutboxExecutor = QueryExecutorProvider | PgQueryable;

interface EnqueueRow {
  tenant: string;
  type: string;
  payload: string;
  key: string | null;
  options: string;
}

const tracer = trace.getTracer('outbox-temporal');

/** The active W3C trace context (inside the enqueue span), stored so the delivery joins the trace. */
function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs an enqueue in an `outbox.enqueue` span (a no-op without a registered tracer provider). */
function inEnqueueSpan<T>(events: OutboxEvent[], run: () => Promise<T>): Promise<T> {
  const first = events[0];
  const attributes = {
    'outbox.event_count': events.length,
    ...(first && { 'outbox.event_type': first.type, 'outbox.tenant': first.tenant }),
    ...(first?.correlationId !== undefined && { 'outbox.correlation_id': first.correlationId }),
  };
  return tracer.startActiveSpan('outbox.enqueue', { attributes }, async (span) => {
    try {
      return await run();
    } finally {
      span.end();
    }
  });
}

/** The payload limit, as JSON bytes: OUTBOX_MAX_PAYLOAD_BYTES, default 1 MiB (the SQL function's default too). */
function maxPayloadBytes(): number {
  const configured = Number(process.env.OUTBOX_MAX_PAYLOAD_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : 1_048_576;
}

function toRow(event: OutboxEvent, position?: number): EnqueueRow {
  const where = position === undefined ? 'event' : `event #${position}`;
  const result = outboxEventSchema.safeParse(event);
  if (!result.success) throw new InvalidEventError(where, result.error);
  const valid = result.data;
  let payload: string;
  try {
    payload = JSON.stringify(valid.payload);
  } catch (error) {
    throw new InvalidEventError(
      where,
      new z.ZodError([{ code: 'custom', path: ['payload'], message: `is not JSON-serialisable (${(error as Error).message})`, input: undefined }]),
    );
  }
  const limit = maxPayloadBytes();
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > limit) {
    throw new InvalidEventError(
      where,
      new z.ZodError([
        {
          code: 'custom',
          path: ['payload'],
          message: `is ${bytes} bytes, above the limit of ${limit} bytes (OUTBOX_MAX_PAYLOAD_BYTES); send a reference instead of the document`,
          input: undefined,
        },
      ]),
    );
  }
  // Keys are the SQL function's option names (snake_case), so SQL callers and this helper agree.
  const options = {
    aggregate_type: valid.aggregateType,
    aggregate_id: valid.aggregateId,
    correlation_id: valid.correlationId,
    causation_id: valid.causationId,
    event_version: valid.eventVersion,
    targets: valid.targets,
    traceparent: currentTraceparent(),
  };
  return { tenant: valid.tenant, type: valid.type, payload, key: valid.idempotencyKey ?? null, options: JSON.stringify(options) };
}

function isKysely(executor: OutboxExecutor): executor is QueryExecutorProvider {
  return typeof (executor as QueryExecutorProvider).getExecutor === 'function';
}

/** Runs one parameterised statement on either kind of executor; the SQL text is the same for both. */
async function runQuery<Row>(executor: OutboxExecutor, text: string, values: unknown[]): Promise<Row[]> {
  if (isKysely(executor)) {
    const result = await executor.getExecutor().executeQuery<Row>(CompiledQuery.raw(text, values));
    return [...result.rows];
  }
  return (await executor.query(text, values)).rows as Row[];
}

/**
 * Enqueues one event through `outbox.enqueue(...)`, inside whatever transaction `executor` is
 * in. Returns the event id (a string: ids are bigint). Enqueueing the same tenant and
 * idempotency key again returns the first event's id and writes nothing. A malformed event
 * throws {@link InvalidEventError} before any SQL runs.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await trx.insertInto('orders').values(order).execute();
 *   const eventId = await enqueue(trx, OrderCreated.create({ tenant: 'acme', idempotencyKey: `order-${order.id}`, payload: order }));
 * });
 */
export async function enqueue(executor: OutboxExecutor, event: OutboxEvent): Promise<string> {
  return inEnqueueSpan([event], async () => {
    const row = toRow(event);
    const text = 'SELECT outbox.enqueue($1, $2, $3::jsonb, $4, $5::jsonb)::text AS id';
    const values = [row.tenant, row.type, row.payload, row.key, row.options];
    const rows = await runQuery<{ id: string }>(executor, text, values);
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('outbox.enqueue returned no row; is the outbox schema migrated? Run `outbox migrate`.');
    return id;
  });
}

/**
 * Enqueues several events in one round trip (one statement), in order. Returns their ids in
 * the same order. Every event is validated first: one bad event throws and writes nothing.
 *
 * @example
 * const ids = await enqueueMany(trx, lines.map((line) => LineAdded.create({ tenant, payload: line })));
 */
export async function enqueueMany(executor: OutboxExecutor, events: readonly OutboxEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  return inEnqueueSpan([...events], () => enqueueRows(executor, events));
}

async function enqueueRows(executor: OutboxExecutor, events: readonly OutboxEvent[]): Promise<string[]> {
  const rows = events.map((event, index) => toRow(event, index));
  const columns = [
    rows.map((row) => row.tenant),
    rows.map((row) => row.type),
    rows.map((row) => row.payload),
    rows.map((row) => row.key),
    rows.map((row) => row.options),
  ];
  const text = `SELECT outbox.enqueue(e.tenant, e.type, e.payload, e.key, e.options)::text AS id
    FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::jsonb[]) WITH ORDINALITY
      AS e(tenant, type, payload, key, options, position)
    ORDER BY e.position`;
  const result = await runQuery<{ id: string }>(executor, text, columns);
  return result.map((row) => row.id);
}
