// The workflow-author helper (src/workflows/compensations.ts) is plain code with no Temporal
// APIs, so its ordering rules are checked directly here; the saga route uses it for real in
// test/saga.test.ts.
import { describe, expect, it } from 'vitest';
import { CompensationError, Compensations, runWithCompensations } from '../src/workflow.js';

/** A compensation that records its name when it runs. */
const push = (ran: string[], name: string) => (): Promise<void> => {
  ran.push(name);
  return Promise.resolve();
};

describe('Compensations', () => {
  it('runs compensations newest first, each once even when compensate() is called again', async () => {
    const ran: string[] = [];
    const compensations = new Compensations();
    for (const name of ['release', 'refund', 'deprovision']) compensations.add(push(ran, name), name);
    expect(compensations.pending).toEqual(['deprovision', 'refund', 'release']);
    await compensations.compensate();
    await compensations.compensate();
    expect(ran).toEqual(['deprovision', 'refund', 'release']);
    expect(compensations.pending).toEqual([]);
  });

  it('stops at a failing compensation, keeps it and the older ones, and resumes from it', async () => {
    const ran: string[] = [];
    let refundFails = true;
    const compensations = new Compensations();
    compensations.add(push(ran, 'release'), 'release');
    compensations.add(() => (refundFails ? Promise.reject(new Error('provider down')) : push(ran, 'refund')()), 'refund');
    compensations.add(push(ran, 'deprovision'), 'deprovision');
    const error = await compensations.compensate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompensationError);
    expect((error as CompensationError).failed).toEqual(['refund']);
    expect((error as CompensationError).message).toContain('refund: provider down');
    expect(compensations.pending).toEqual(['refund', 'release']);
    refundFails = false;
    await compensations.compensate();
    expect(ran).toEqual(['deprovision', 'refund', 'release']);
  });

  it('with continueOnError tries every compensation and reports all failures', async () => {
    const ran: string[] = [];
    const compensations = new Compensations();
    compensations.add(push(ran, 'a'), 'a');
    compensations.add(() => Promise.reject(new Error('b broke')), 'b');
    compensations.add(() => Promise.reject(new Error('c broke')), 'c');
    const error = (await compensations.compensate({ continueOnError: true }).catch((caught: unknown) => caught)) as CompensationError;
    expect(error.failed).toEqual(['c', 'b']);
    expect(ran).toEqual(['a']);
    expect(compensations.pending).toEqual(['c', 'b']);
  });

  it('runWithCompensations undoes on failure and rethrows the step error; returns the result otherwise', async () => {
    const ran: string[] = [];
    const stepError = new Error('charge declined');
    await expect(
      runWithCompensations((compensations) => {
        compensations.add(push(ran, 'release'), 'release');
        return Promise.reject(stepError);
      }),
    ).rejects.toBe(stepError);
    expect(ran).toEqual(['release']);
    await expect(runWithCompensations(() => Promise.resolve('done'))).resolves.toBe('done');
    const both = (await runWithCompensations((compensations) => {
      compensations.add(() => Promise.reject(new Error('undo failed')), 'undo');
      return Promise.reject(stepError);
    }).catch((caught: unknown) => caught)) as CompensationError;
    expect(both).toBeInstanceOf(CompensationError);
    expect(both.stepError).toBe(stepError);
  });
});
