import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './database.js';

/** A pg pool and the Kysely instance over it; close both with {@link OutboxDatabase.close}. */
export interface OutboxDatabase {
  pool: pg.Pool;
  db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * Opens a connection pool to the outbox database.
 *
 * @example
 * const { db, close } = createDatabase({ connectionString: process.env.DATABASE_URL! });
 * await db.selectFrom('outbox.events').select('id').limit(1).execute();
 * await close();
 */
export function createDatabase(options: {
  connectionString: string;
  max?: number;
  applicationName?: string;
  logger?: Logger;
  /** Longest a statement may run before PostgreSQL cancels it; no limit when absent. */
  statementTimeoutMs?: number;
}): OutboxDatabase {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'outbox',
    // A server that does not answer fails the connection attempt instead of hanging it.
    connectionTimeoutMillis: 10_000,
    // Both ends probe an idle connection: a vanished peer is noticed in about a minute, not the
    // kernel's two hours. The server side matters most: a relay whose host disappeared holds row
    // locks until its backend notices.
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
    options: '-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3',
    ...(options.statementTimeoutMs !== undefined && { statement_timeout: options.statementTimeoutMs }),
  });
  // An idle client can lose its server (restart, pg_terminate_backend). Without a listener pg
  // would throw from an EventEmitter and kill the process; the pool replaces the client instead.
  pool.on('error', (error) => {
    options.logger?.warn({ err: { message: error.message } }, 'idle PostgreSQL connection failed; the pool will reconnect');
  });
  // A client checked out of the pool (inside a transaction, between its queries) has no pool
  // listener: its server going away must fail the query in hand, not crash the process.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      options.logger?.warn({ err: { message: error.message } }, 'PostgreSQL connection lost in use; the statement fails and is retried');
    });
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    pool,
    db,
    close: async () => {
      // Kysely ends the pool only if it ever ran a query through it; callers that used the
      // pool directly (migrations, the relay) need it ended too, or idle clients hold the
      // process open for pg's idle timeout.
      await db.destroy();
      if (!pool.ended) await pool.end();
    },
  };
}
