/** The server tests create their databases on; TEST_DATABASE_URL overrides (any database on it). */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Every database a test run creates starts with this, so the run can drop exactly its own. */
export const TEST_DATABASE_PREFIX = 'outbox_test_';

/** The URL of `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
