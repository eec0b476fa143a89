import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from './http-errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The management API's CSRF guard, an `onRequest` hook. Keys travel in the Authorization header,
 * which a browser never adds by itself, so a forged cross-site request carries no key already;
 * this refuses it outright too: a state-changing request that the browser marks as coming from
 * another site (`Sec-Fetch-Site`), or whose `Origin` is not this server, gets 403. Clients that
 * are not browsers send neither header and are not affected.
 *
 * @example
 * api.addHook('onRequest', refuseCrossSite);
 */
export function refuseCrossSite(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  if (SAFE_METHODS.has(request.method)) return done();
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  let foreignOrigin = false;
  if (origin !== undefined) {
    try {
      foreignOrigin = new URL(origin).host !== request.host;
    } catch {
      foreignOrigin = true;
    }
  }
  if (site === 'cross-site' || site === 'same-site' || foreignOrigin) {
    return done(
      new HttpProblem(
        403,
        'Cross-site request refused',
        'State-changing requests to this API must come from its own origin (the console) or from a client that is not a browser.',
      ),
    );
  }
  done();
}
