import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type OutboxDatabase } from '../../src/db/create-database.js';
import { renameInstallation } from '../../src/outbox/installation.js';
import { workflowIdFor } from '../../src/workflows/definitions.js';
import { ADMIN_DATABASE_URL, databaseUrl, TEST_DATABASE_PREFIX } from './database-urls.js';

export interface TestDatabase extends OutboxDatabase {
  name: string;
  url: string;
  /** Its own installation id (every clone of the template gets a fresh one, as separate databases have). */
  installationId: string;
  /** The workflow id of an event of this database, by tenant and idempotency key. */
  workflowId(tenant: string, idempotencyKey: string): string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function admin<T>(action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test file. `migrated: true` (default) clones the run's migrated
 * template, which takes milliseconds; `false` gives an empty database for migration tests.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${inject('runId')}_${randomBytes(4).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : inject('templateDatabase');
  await admin(async (client) => {
    // Two files cloning the template at the same instant can collide; a short retry settles it.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
  const url = databaseUrl(name);
  const database = createDatabase({ connectionString: url, max: 20 });
  const installationId = options.migrated === false ? '' : (await renameInstallation(database.db)).id;
  return {
    ...database,
    name,
    url,
    installationId,
    workflowId: (tenant, idempotencyKey) => workflowIdFor(installationId, tenant, idempotencyKey),
    drop: async () => {
      await database.close();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
