import { ConfigError } from '../config/load-config.js';

/**
 * One line for the operator: what went wrong and what to do next. Errors the engine raises on
 * purpose already say both; common infrastructure failures get a hint here.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof ConfigError) return error.message;
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED' && /5432|postgres/i.test(error.message + String((error as { port?: number }).port ?? ''))) {
    return `Cannot reach PostgreSQL (${error.message}). Is it running, and is DATABASE_URL right?`;
  }
  if (code === '3D000') return `${error.message}. Create the database or fix DATABASE_URL.`;
  if (code === '42P01' || code === '3F000') return `${error.message}. The outbox schema is missing: run \`outbox migrate\`.`;
  if (code === '28P01' || code === '28000') return `${error.message}. Check the user and password in DATABASE_URL.`;
  // Temporal failures already described (connect-temporal.ts) name the setting to check.
  if (error.message.startsWith('Temporal at ')) return error.message;
  if (/14 UNAVAILABLE|Failed to connect|failed to connect|tcp connect error/i.test(error.message)) {
    return `Cannot reach Temporal (${error.message}). Is TEMPORAL_ADDRESS right and the server up?`;
  }
  return error.message;
}
