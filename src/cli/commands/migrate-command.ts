import { loadConfig } from '../../config/load-config.js';
import { createDatabase } from '../../db/create-database.js';
import { migrate } from '../../db/migrate.js';

/** `outbox migrate`: applies pending migrations and says what it did. */
export async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const database = createDatabase({ connectionString: config.databaseUrl, max: 1 });
  try {
    const { applied, current } = await migrate(database.pool, { onApply: (name) => console.log(`applying ${name}`) });
    console.log(applied.length ? `migrated: ${applied.length} applied, schema at ${current}` : `up to date (schema at ${current})`);
  } finally {
    await database.close();
  }
}
