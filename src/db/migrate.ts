import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/** The migrations shipped with this package: `migrations/NNNN_name.sql` at the package root. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * Any number fits; this one is "outbox" in ASCII. Every migrator takes the same transaction-level
 * advisory lock, so two processes migrating at once run one after the other.
 */
const MIGRATION_LOCK_KEY = '121624704577656';

/** A migration could not be applied, or the database is not in a state this engine understands. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrationFile {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads `NNNN_name.sql` files in id order, refusing gaps and duplicate numbers. */
export async function readMigrationFiles(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = /^(\d{4})_[a-z0-9_]+\.sql$/.exec(name);
    if (!match?.[1]) {
      throw new MigrationError(`Migration file ${name} is not named NNNN_snake_case.sql; rename it.`);
    }
    const id = Number(match[1]);
    const expected = files.length + 1;
    if (id !== expected) {
      throw new MigrationError(`Migration ${name} should be numbered ${String(expected).padStart(4, '0')}: numbers must be consecutive.`);
    }
    const sql = await readFile(`${dir}/${name}`, 'utf8');
    files.push({ id, name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

export interface MigrateResult {
  /** Names of the migrations this call applied (empty when the database was up to date). */
  applied: string[];
  /** The id of the newest migration now in the database. */
  current: number;
}

/**
 * Applies pending migrations in one transaction under an advisory lock, recording each in
 * `outbox.migrations`. Running it twice, or from several processes at once, applies each
 * migration exactly once; a failure rolls everything back.
 *
 * @example
 * const { applied } = await migrate(pool);
 * console.log(applied.length ? `applied ${applied.join(', ')}` : 'up to date');
 */
export async function migrate(pool: pg.Pool, options: { dir?: string; onApply?: (name: string) => void } = {}): Promise<MigrateResult> {
  const files = await readMigrationFiles(options.dir);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await client.query('CREATE SCHEMA IF NOT EXISTS outbox');
    await client.query(`CREATE TABLE IF NOT EXISTS outbox.migrations (
      id integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ id: number; name: string; checksum: string }>('SELECT id, name, checksum FROM outbox.migrations ORDER BY id');
    checkAppliedMatchFiles(rows, files);
    const applied: string[] = [];
    for (const file of files.slice(rows.length)) {
      options.onApply?.(file.name);
      try {
        await client.query(file.sql);
      } catch (error) {
        throw new MigrationError(`Migration ${file.name} failed: ${(error as Error).message}. Nothing was applied.`, {
          cause: error,
        });
      }
      await client.query('INSERT INTO outbox.migrations (id, name, checksum) VALUES ($1, $2, $3)', [file.id, file.name, file.checksum]);
      applied.push(file.name);
    }
    await client.query('COMMIT');
    return { applied, current: files.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function checkAppliedMatchFiles(applied: { id: number; name: string; checksum: string }[], files: MigrationFile[]): void {
  if (applied.length > files.length) {
    throw new MigrationError(
      `The database has ${applied.length} outbox migrations but this engine knows only ${files.length}: it was migrated by a newer version. Upgrade the engine.`,
    );
  }
  applied.forEach((row, index) => {
    const file = files[index];
    if (!file || row.id !== file.id) {
      throw new MigrationError(`outbox.migrations row ${row.id} (${row.name}) has no matching file; the migrations table is inconsistent.`);
    }
    if (row.checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} changed after it was applied (checksum differs). Restore the original file and put the change in a new migration.`,
      );
    }
  });
}

/**
 * Tells whether the database needs `outbox migrate`: returns the names of pending migrations.
 *
 * @example
 * const pending = await pendingMigrations(pool);
 * if (pending.length) throw new Error('run `outbox migrate` first');
 */
export async function pendingMigrations(pool: pg.Pool, dir?: string): Promise<string[]> {
  const files = await readMigrationFiles(dir);
  const { rows } = await pool.query<{ table: string | null }>(`SELECT to_regclass('outbox.migrations')::text AS table`);
  if (!rows[0]?.table) return files.map((file) => file.name);
  const applied = await pool.query<{ id: number; name: string; checksum: string }>('SELECT id, name, checksum FROM outbox.migrations ORDER BY id');
  checkAppliedMatchFiles(applied.rows, files);
  return files.slice(applied.rows.length).map((file) => file.name);
}
