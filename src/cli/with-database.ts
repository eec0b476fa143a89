import type { Kysely } from 'kysely';
import { loadConfig } from '../config/load-config.js';
import { createDatabase } from '../db/create-database.js';
import type { Database } from '../db/database.js';

/**
 * Runs a short command against DATABASE_URL on one connection, closed afterwards.
 *
 * @example
 * const sagas = await withDatabase((db) => listSagas(db));
 */
export async function withDatabase<T>(action: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const database = createDatabase({ connectionString: loadConfig().databaseUrl, max: 1 });
  try {
    return await action(database.db);
  } finally {
    await database.close();
  }
}
