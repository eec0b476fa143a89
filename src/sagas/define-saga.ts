/**
 * The sagas room: saga routes, their steps and compensations, validated (this file) and
 * stored (saga-store.ts). May import events/ and db/; activities/ reads plans through it.
 */
import { z } from 'zod';
import { eventPatternSchema, tenantIdSchema } from '../events/event-formats.js';

const nameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, {
  error: 'must be 1 to 128 letters, digits, "_", ".", ":" or "-", starting with a letter or digit',
});

/** One step: deliver to `target` (a subscription name); undo with `compensation` when a later step fails. */
export const sagaStepSchema = z
  .object({
    name: nameSchema,
    target: nameSchema,
    compensation: nameSchema.optional(),
  })
  .strict();

/** The ordered steps of a saga: 1 to 20, names unique. */
export const sagaStepsSchema = z
  .array(sagaStepSchema)
  .min(1, { error: 'a saga needs at least one step' })
  .max(20, { error: 'a saga has at most 20 steps' })
  .superRefine((steps, context) => {
    const seen = new Set<string>();
    steps.forEach((step, index) => {
      if (seen.has(step.name)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `step name "${step.name}" is used twice` });
      seen.add(step.name);
    });
  });

export const sagaDefinitionSchema = z
  .object({
    name: nameSchema,
    tenant: z.union([z.literal('*'), tenantIdSchema]).default('*'),
    events: eventPatternSchema,
    steps: sagaStepsSchema,
  })
  .strict();

export type SagaStep = z.output<typeof sagaStepSchema>;
export type SagaDefinitionInput = z.input<typeof sagaDefinitionSchema>;
export type SagaDefinition = z.output<typeof sagaDefinitionSchema>;

/** A saga definition was refused; `issues` names each bad field (`steps.1.target`, …). */
export class InvalidSagaError extends Error {
  override readonly name = 'InvalidSagaError';
  constructor(
    message: string,
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Zod issues as "field: message" pairs with dotted paths. */
export function sagaIssues(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || 'value', message: issue.message }));
}

/**
 * Declares a saga route: events matching `events` (of `tenant`, or every tenant) are delivered
 * as ordered steps, each to a subscription's target; when a step fails for good, the steps
 * already done are undone in reverse order through their `compensation` subscriptions. Checked
 * here; store it with `saveSaga(db, saga)` (or `outbox sagas add`).
 *
 * @example
 * const payment = defineSaga({
 *   name: 'payment',
 *   events: 'payment.requested',
 *   steps: [
 *     { name: 'reserve', target: 'psp-reserve', compensation: 'psp-release' },
 *     { name: 'charge', target: 'psp-charge', compensation: 'psp-refund' },
 *     { name: 'provision', target: 'provisioning' },
 *   ],
 * });
 * await saveSaga(db, payment);
 */
export function defineSaga(input: SagaDefinitionInput): SagaDefinition {
  const parsed = sagaDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const issues = sagaIssues(parsed.error);
    throw new InvalidSagaError(`Invalid saga: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`, issues);
  }
  return parsed.data;
}
