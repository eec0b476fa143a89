import { z } from 'zod';
import { isSealed } from '../secrets/secret-box.js';
import { isHttpUrl } from './http/post-for-delivery.js';

// The option schemas several target kinds share: URLs, timeouts, the private-address opt-in and
// header values. Each kind's own schema lives in its folder and is built from these.

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
  // A value sealed at rest (secrets/secret-box.ts) was checked before it was sealed.
  .refine((value) => isSealed(value) || value.length <= 4000, { error: 'header values are at most 4000 characters' })
  .refine((value) => isSealed(value) || hasNoControlCharacters(value), { error: 'header values must not contain control characters (CR, LF, …)' });

/** An http:// or https:// URL. */
export const httpUrlSchema = z.string().refine(isHttpUrl, { error: 'must be an http:// or https:// URL' });

/** A send's timeout in ms (1 ms to 10 min, default 10 s). */
export const timeoutSchema = z
  .number()
  .int()
  .min(1)
  .max(10 * 60_000)
  .default(10_000);

/** Lets one subscription reach loopback/private/link-local addresses (an internal endpoint). */
export const allowPrivateAddressesSchema = z.boolean({ error: 'must be true or false' }).optional();

/**
 * Header names a subscription may not set, in any case: the engine's own (the signature and its
 * inputs, the content type, the trace context) and those that frame the request (Host, length,
 * encoding, connection), which could split or redirect it.
 */
const RESERVED_HEADER =
  /^(host|content-length|content-type|content-encoding|transfer-encoding|connection|keep-alive|upgrade|te|trailer|expect|proxy-.*|webhook-.*|traceparent|tracestate|user-agent)$/i;

/** A header name a subscription sets: letters, digits and `-`, none of the reserved ones. */
export const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,100}$/, { error: 'header names are letters, digits and -' })
  .refine((name) => !RESERVED_HEADER.test(name), {
    error: (issue) => `${String(issue.input)} is set by the engine (or frames the request) and cannot be overridden; use another name`,
  });

/**
 * Extra static request headers; values may be `env:NAME`.
 *
 * @example
 * extraHeadersSchema.parse({ 'X-Api-Key': 'env:OUTBOX_SECRET_KEY' }); // ok; { Host: 'evil' } is refused
 */
export const extraHeadersSchema = z.record(headerNameSchema, headerValueSchema).optional();
