import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body as sent, before the route's schema turned it into its parsed form. */
    jsonBody?: unknown;
  }
}

/**
 * The body as the client sent it. The route's zod schema validates it and documents it, but
 * also applies defaults and transforms (durations to milliseconds); the stores validate what
 * was sent themselves, so they get it unchanged.
 *
 * @example
 * await addSubscription(trx, sentBody<NewSubscription>(request));
 */
export function sentBody<T>(request: FastifyRequest): T {
  return request.jsonBody as T;
}
