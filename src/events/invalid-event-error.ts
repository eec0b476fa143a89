import type { z } from 'zod';

/**
 * An event failed validation before anything was written. `issues` are zod's; the message
 * names each bad field by its path.
 *
 * @example
 * try { await enqueue(trx, event); } catch (e) { if (e instanceof InvalidEventError) console.log(e.issues); }
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly issues: z.core.$ZodIssue[];

  constructor(what: string, error: z.ZodError) {
    const details = error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(value)'}: ${issue.message}`);
    super(`Invalid ${what}: ${details.join('; ')}. Nothing was enqueued; fix the event and try again.`, { cause: error });
    this.issues = error.issues;
  }
}
