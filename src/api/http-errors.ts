import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AmbiguousSubscriptionError } from '../subscriptions/find-subscription.js';

/**
 * An error a handler throws to answer with its status and words, as an RFC 9457 problem
 * document under `/v1` (`title`, `status`, `detail`, and the bad fields in `errors`).
 *
 * @example
 * throw new HttpProblem(404, 'Subscription not found', 'no subscription "erp" in your tenant; list them with GET /v1/subscriptions');
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: { field: string; message: string }[] = [],
    /** Extra response headers (e.g. Retry-After on a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/**
 * The request's path, whatever form its target took: `GET http://host/v1/x HTTP/1.1` (the
 * absolute form, legal HTTP) has the url `http://host/v1/x`, which prefix checks on the url
 * would not recognise as an API request.
 *
 * @example
 * requestPath(request); // '/v1/subscriptions'
 */
export function requestPath(request: FastifyRequest): string {
  const url = request.url;
  if (url.startsWith('/')) return url.split('?')[0]!;
  return URL.canParse(url) ? new URL(url).pathname : url;
}

const isApi = (request: FastifyRequest) => requestPath(request).startsWith('/v1/') && !requestPath(request).startsWith('/v1/stream');

/** Answers a problem: `application/problem+json` under /v1, `{ error }` elsewhere (health, metrics). */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: HttpProblem): FastifyReply {
  reply.code(problem.status).header('cache-control', 'no-store');
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  if (!isApi(request)) return reply.send({ error: problem.detail });
  return reply.type('application/problem+json').send({
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(problem.errors.length > 0 && { errors: problem.errors }),
  });
}

/** Fastify's errors in our words: validation names each field, sizes and syntax say what to send. */
export function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, logger: Logger): FastifyReply {
  if (error instanceof HttpProblem) return sendProblem(request, reply, error);
  if (error instanceof AmbiguousSubscriptionError) {
    return sendProblem(
      request,
      reply,
      new HttpProblem(409, 'Ambiguous subscription', error.message, [{ field: 'params.id', message: 'names several subscriptions' }]),
    );
  }
  // PostgreSQL's row-level security refused the key's role (the backstop behind route checks).
  if ((error as { code?: string }).code === '42501') {
    return sendProblem(
      request,
      reply,
      new HttpProblem(403, 'Forbidden', 'This key may not make that change: it touches another tenant or a setting only operators may give.'),
    );
  }
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    const errors = error.validation.map((issue) => ({
      field: [
        where,
        ...String(issue.instancePath ?? '')
          .split('/')
          .filter(Boolean),
      ].join('.'),
      message: issueMessage(issue),
    }));
    const detail = `The ${where} is not valid: ${errors.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}. Nothing was changed; fix the fields named and send it again.`;
    return sendProblem(request, reply, new HttpProblem(400, 'Invalid request', detail, errors));
  }
  if (error.statusCode === 413)
    return sendProblem(
      request,
      reply,
      new HttpProblem(413, 'Body too large', `The body is above the limit of ${request.routeOptions.bodyLimit ?? 1_048_576} bytes; send a smaller one.`),
    );
  if (error.statusCode === 415) return sendProblem(request, reply, new HttpProblem(415, 'Unsupported media type', 'Send the body as application/json.'));
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(request, reply, new HttpProblem(error.statusCode, 'Bad request', `${error.message.replace(/\.$/, '')}. Nothing was changed.`));
  }
  logger.error({ err: error, path: request.url.slice(0, 200) }, 'HTTP handler failed; answered 500');
  return sendProblem(request, reply, new HttpProblem(500, 'Internal error', 'internal error; see the engine log'));
}

/** A validation issue in its own words: a bad record key (a reserved header name) says why, not "Invalid key in record". */
function issueMessage(issue: { keyword?: string; message?: string; params?: unknown }): string {
  const inner = (issue.params as { issues?: { message?: string }[] } | undefined)?.issues?.[0]?.message;
  return (issue.keyword === 'invalid_key' && inner) || issue.message || 'is not valid';
}

/** No such route: says which exist. */
export function answerNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = requestPath(request).slice(0, 200);
  const hint = isApi(request) ? 'the routes are listed in /v1/openapi.json and at /v1/docs' : 'try /healthz, /readyz, /metrics, /v1/stream or /v1/docs';
  return sendProblem(request, reply, new HttpProblem(404, 'Not found', `no route ${request.method} ${path}; ${hint}`));
}
