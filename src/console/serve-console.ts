/**
 * The web console's server side: it serves the built single-page app (console-app/, built by
 * `npm run build` into dist/console-app/) under `/console/`, with a Content-Security-Policy that
 * allows no inline script and no other origin. The app talks to the management API (/v1) only,
 * with the bearer key the user signed in with or the portal link's token, so the console has no
 * door of its own into the engine.
 *
 * This room imports no other room of src/; engine/ registers it on the HTTP port.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` puts the console app: dist/console-app/ (this file is two folders below the package, in src/ or dist/). */
export const CONSOLE_ASSETS = fileURLToPath(new URL('../../dist/console-app/', import.meta.url));

/**
 * The console's headers: scripts, styles and requests from this origin only, no framing, and no
 * referrer (a page's address never leaves the browser).
 */
export const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const withHeaders = (reply: FastifyReply) => {
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) reply.header(name, value);
  return reply;
};

/**
 * The console as a plug-in for the engine's HTTP server. Every path under /console/ that is
 * not an asset answers the app's page, which routes in the browser.
 *
 * @example
 * await startHttpServer({ …, plugins: [managementApi(…), serveConsole()] });
 * // open http://127.0.0.1:8080/console/
 */
export function serveConsole(root: string = CONSOLE_ASSETS) {
  return async (app: FastifyInstance): Promise<void> => {
    if (!existsSync(`${root}/index.html`)) {
      app.get('/console/*', async (_request, reply) =>
        reply.code(404).type('text/plain').send('The web console is not built: run `npm run build` (it builds dist/console-app/).'),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/console/',
      index: false,
      wildcard: false,
      // Built assets carry a content hash in their names; index.html must always be fresh.
      setHeaders: (response, path) => {
        for (const [name, value] of Object.entries(CONSOLE_HEADERS)) response.header(name, value);
        response.header('cache-control', path.endsWith('.html') ? 'no-store' : 'public, max-age=31536000, immutable');
      },
    });
    app.get('/console', async (_request, reply) => reply.redirect('/console/'));
    const page = async (_request: unknown, reply: FastifyReply) => withHeaders(reply).header('cache-control', 'no-store').sendFile('index.html');
    app.get('/console/', page);
    app.get('/console/*', async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      // A missing asset is a 404, not the page (a stale tab asking for an old bundle should fail clearly).
      if (path.startsWith('assets/')) return withHeaders(reply).code(404).type('text/plain').send('No such console asset; reload the page.');
      return page(request, reply);
    });
  };
}
