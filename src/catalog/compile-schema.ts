import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Compiles a payload's JSON Schema (read as draft 2020-12, which zod 4 writes; a `$schema`
 * naming another draft is ignored rather than refused). Throws with ajv's words for a schema
 * that is not one.
 *
 * @example
 * const validate = compilePayloadSchema({ type: 'object', required: ['total'] });
 * validate({}) === false; // validate.errors names /total
 */
export function compilePayloadSchema(schema: Record<string, unknown>): ValidateFunction {
  const rest = { ...schema };
  delete rest.$schema;
  return ajv.compile(rest);
}

/** The first violation as `at /path: message` (the root is `/`). */
export function describeViolation(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'at /: does not match';
  const missing = first.keyword === 'required' ? `/${String((first.params as { missingProperty?: string }).missingProperty)}` : '';
  return `at ${first.instancePath || ''}${missing}`.replace(/^at $/, 'at /') + `: ${first.message ?? 'does not match'}`;
}

const ajv = new Ajv2020({ allErrors: false, strict: false });
(addFormats as unknown as (instance: Ajv2020) => void)(ajv);
