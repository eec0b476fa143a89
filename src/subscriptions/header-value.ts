import { z } from 'zod';

/** True when a value holds no control character (CR, LF, NUL, DEL, …). */
export function hasNoControlCharacters(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/**
 * An HTTP header value a subscription sets: no control characters, so it can never end the
 * header and smuggle in another one (CRLF injection).
 *
 * @example
 * headerValueSchema.parse('Bearer abc'); // ok; 'x\r\nX-Admin: 1' is refused
 */
export const headerValueSchema = z
  .string()
  .max(4000)
  .refine(hasNoControlCharacters, { error: 'header values must not contain control characters (CR, LF, …)' });
