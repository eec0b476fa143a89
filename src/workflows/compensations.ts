// A saga helper for workflow authors: register an undo step after each step that succeeded, and
// run them in reverse when a later step fails. Workflow code: no Node built-ins, no I/O.

/** A compensation that threw while compensating; `cause` is its error. */
export class CompensationError extends Error {
  override readonly name = 'CompensationError';
  constructor(
    message: string,
    /** Names of the compensations that failed, in the order they ran. */
    readonly failed: string[],
    /** Each failed compensation's error, in the same order. */
    readonly causes: unknown[],
    /** With runWithCompensations: the step failure that started the compensations. */
    readonly stepError?: unknown,
  ) {
    super(message, { cause: causes[0] });
  }
}

interface Registered {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Compensations registered as a workflow goes, run newest first. Each is removed before it runs,
 * so calling {@link Compensations.compensate} again never repeats one that completed; one that
 * threw stays registered (stop-on-error mode) so a later call resumes from it.
 *
 * @example
 * const compensations = new Compensations();
 * const hold = await reserveFunds(order);
 * compensations.add(() => releaseFunds(hold), 'release funds');
 * const charge = await chargeCard(order);
 * compensations.add(() => refund(charge), 'refund');
 * try {
 *   await provision(order);
 * } catch (error) {
 *   await compensations.compensate(); // refund, then release funds
 *   throw error;
 * }
 */
export class Compensations {
  private readonly stack: Registered[] = [];

  /** Registers the undo of a step that just succeeded. */
  add(compensation: () => Promise<unknown>, name = `compensation ${this.stack.length + 1}`): void {
    this.stack.push({ name, run: compensation });
  }

  /** Names of the compensations still registered, newest first (the order they would run in). */
  get pending(): string[] {
    return this.stack.map((entry) => entry.name).reverse();
  }

  /**
   * Runs the registered compensations newest first, one at a time. By default the first that
   * throws stops the run (it and the older ones stay registered) with a CompensationError;
   * with `continueOnError` every one is tried and the failures are reported together.
   */
  async compensate(options: { continueOnError?: boolean } = {}): Promise<void> {
    const failed: string[] = [];
    const causes: unknown[] = [];
    const kept: Registered[] = [];
    while (this.stack.length > 0) {
      const entry = this.stack.pop()!;
      try {
        await entry.run();
      } catch (error) {
        failed.push(entry.name);
        causes.push(error);
        if (!options.continueOnError) {
          this.stack.push(entry);
          break;
        }
        kept.unshift(entry);
      }
    }
    this.stack.push(...kept);
    if (failed.length > 0) {
      const detail = causes.map((cause, index) => `${failed[index]}: ${cause instanceof Error ? cause.message : String(cause)}`).join('; ');
      throw new CompensationError(`compensation failed (${detail}); still registered: ${this.pending.join(', ')}`, failed, causes);
    }
  }
}

/**
 * Runs `body` with a fresh {@link Compensations}; if it throws, runs the registered
 * compensations in reverse and rethrows the original error. If a compensation fails too, a
 * CompensationError is thrown instead, carrying the original error as `stepError`.
 *
 * @example
 * export async function payment(order: Order): Promise<void> {
 *   await runWithCompensations(async (compensations) => {
 *     const hold = await reserveFunds(order);
 *     compensations.add(() => releaseFunds(hold), 'release funds');
 *     await chargeCard(order);
 *   });
 * }
 */
export async function runWithCompensations<T>(body: (compensations: Compensations) => Promise<T>, options: { continueOnError?: boolean } = {}): Promise<T> {
  const compensations = new Compensations();
  try {
    return await body(compensations);
  } catch (error) {
    try {
      await compensations.compensate(options);
    } catch (failure) {
      if (failure instanceof CompensationError) throw new CompensationError(failure.message, failure.failed, failure.causes, error);
      throw failure;
    }
    throw error;
  }
}
