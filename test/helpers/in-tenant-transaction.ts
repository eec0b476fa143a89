import type pg from 'pg';

/**
 * Runs `work` in a transaction on one client of `pool` with app.tenant_id = tenant (when given),
 * committing if it succeeds and rolling back if it throws: how an application role works.
 *
 * @example
 * const id = await inTenantTransaction(appPool, 'acme', (client) => client.query("SELECT outbox.enqueue('acme', 'x', '{}')"));
 */
export async function inTenantTransaction<T>(pool: pg.Pool, tenant: string | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (tenant) await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenant]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
