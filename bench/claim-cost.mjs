// The relay's claim statement timed with no delivered rows, then with many: it must stay flat
// (the partial index on pending rows), whatever the table's history.
import { CLAIM_PENDING_EVENTS_SQL } from '../dist/outbox/claim-pending-events.js';

async function timeClaim(pool, rounds = 50) {
  const times = [];
  for (let round = 0; round < rounds; round++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const started = performance.now();
      await client.query(CLAIM_PENDING_EVENTS_SQL, [200, 50, '', 1000, 30, []]);
      times.push(performance.now() - started);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  }
  times.sort((a, b) => a - b);
  return +times[Math.floor(times.length / 2)].toFixed(3);
}

export async function measureClaimCost(pool, deliveredRows) {
  await pool.query('TRUNCATE outbox.events CASCADE');
  const pending = `INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, payload)
                   SELECT 'claim', 'pending-' || n || '-' || $1, 'claim.event', '{}' FROM generate_series(1, 200) AS n`;
  await pool.query(pending, ['a']);
  const emptyMs = await timeClaim(pool);
  await pool.query(
    `INSERT INTO outbox.events (tenant_id, idempotency_key, event_type, payload, status, finished_at)
                    SELECT 'claim', 'done-' || n, 'claim.event', '{}', 'delivered', now() FROM generate_series(1, $1::int) AS n`,
    [deliveredRows],
  );
  await pool.query('ANALYZE outbox.events');
  const fullMs = await timeClaim(pool);
  return { emptyMs, fullMs, deliveredRows };
}
