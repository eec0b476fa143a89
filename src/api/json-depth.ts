/** Deepest nesting of objects and arrays a /v1 request body may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deeply a JSON text nests objects and arrays, counted without parsing (strings skipped),
 * stopping once past `limit`: a 5 000-deep body is refused before anything recursive (parsing,
 * validation, PostgreSQL's jsonb) meets it.
 *
 * @example
 * jsonDepthExceeds('{"a":[[1]]}', 2); // true
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      if (++depth > limit) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return false;
}
