/**
 * Polls `check` until it returns a truthy value or the deadline passes; never a blind sleep.
 * The failure message includes `describe()` so a timeout says what state things were in.
 */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  options: { timeoutMs?: number; intervalMs?: number; what: string; describe?: () => Promise<string> | string },
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const state = options.describe ? ` (state: ${await options.describe()})` : '';
      const cause = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`Timed out after ${options.timeoutMs ?? 60_000}ms waiting for ${options.what}${state}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
