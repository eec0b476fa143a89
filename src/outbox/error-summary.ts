/**
 * An error as the relay logs it: its name and message only. A pg or gRPC error object carries
 * more (the statement's parameters, connection details, metadata), none of which belongs in a
 * log line.
 *
 * @example
 * logger.warn({ err: errorSummary(error) }, 'relay batch failed');
 */
export function errorSummary(error: unknown): { message: string; name?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { message: String(error) };
}
