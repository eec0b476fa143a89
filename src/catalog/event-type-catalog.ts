/**
 * The event-type catalog (outbox.event_types): registering types with their JSON Schema
 * (event-type-store.ts), and the workers' in-memory copy that checks payloads before delivery
 * (this file). May import db/ and events/; activities/ and api/ import it.
 */
import type { ValidateFunction } from 'ajv';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { compilePayloadSchema, describeViolation } from './compile-schema.js';

/** How stale a worker's copy of the catalog may be. */
export const CATALOG_REFRESH_MS = 10_000;

/**
 * A worker's copy of the catalog, compiled. Read every 10 s at most (one small query when
 * nothing changed), never per event: checking a payload costs a map lookup and, when its type
 * has a schema, one validation. A failed refresh keeps the last copy and is logged.
 *
 * @example
 * const catalog = new EventTypeCatalog(db, logger);
 * const violation = await catalog.violation('order.created', 1, payload); // 'at /total: must be number'
 */
export class EventTypeCatalog {
  private validators = new Map<string, ValidateFunction>();
  private loadedAt = 0;
  private version = '';
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    private readonly refreshMs = CATALOG_REFRESH_MS,
  ) {}

  /** Why this payload breaks its type's schema (`at /path: message`), or undefined when it does not (or no schema is registered). */
  async violation(type: string, version: number, payload: unknown): Promise<string | undefined> {
    if (Date.now() - this.loadedAt > this.refreshMs) {
      this.loading ??= this.refresh().finally(() => (this.loading = undefined));
      // Only the very first check waits; later ones use the last copy while it refreshes.
      if (this.loadedAt === 0) await this.loading;
    }
    const validate = this.validators.get(`${type}@${version}`);
    if (!validate || validate(payload)) return undefined;
    return describeViolation(validate.errors);
  }

  private async refresh(): Promise<void> {
    try {
      const {
        rows: [stamp],
      } = await sql<{ stamp: string }>`SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') AS stamp FROM outbox.event_types`.execute(this.db);
      if (stamp?.stamp !== this.version) {
        const { rows } = await sql<{
          event_type: string;
          version: number;
          schema: Record<string, unknown>;
        }>`SELECT event_type, version, schema FROM outbox.event_types`.execute(this.db);
        const validators = new Map<string, ValidateFunction>();
        for (const row of rows) {
          try {
            validators.set(`${row.event_type}@${row.version}`, compilePayloadSchema(row.schema));
          } catch (error) {
            this.logger.warn(
              { eventType: row.event_type, version: row.version, err: error },
              'event type schema does not compile (edited by hand?); its payloads are not checked',
            );
          }
        }
        this.validators = validators;
        this.version = stamp?.stamp ?? '';
      }
      this.loadedAt = Date.now();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the event-type catalog; using the last copy');
      if (this.loadedAt === 0) this.loadedAt = Date.now() - this.refreshMs + 1_000;
    }
  }
}
