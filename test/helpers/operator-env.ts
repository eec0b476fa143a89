import { inject } from 'vitest';
import type { TestDatabase } from './test-database.js';

/** Environment for `outbox` CLI children acting on this test's database, server and task queue. */
export function operatorEnv(database: TestDatabase, taskQueue: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: database.url, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: taskQueue, ...extra };
}
