import { request, type Dispatcher } from 'undici';
import { displayUrl } from '../display-url.js';
import { classifyHttpStatus, classifyTransportError } from '../../failures/classify-failure.js';
import type { SendContext } from '../target-kind.js';

const USER_AGENT = 'outbox-temporal/0.1';
const BODY_SNIPPET_BYTES = 300;
/** The most of a 2xx answer kept as a saga step's result. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a body and resolves with the status on 2xx; throws a classified DeliveryError
 * otherwise (connection failures, timeouts, non-2xx with a snippet of the answer). Redirects
 * are never followed. Shared by every HTTP-based target kind.
 */
export async function postForDelivery(
  http: Dispatcher,
  url: string,
  options: { headers: Record<string, string>; body: string; timeoutMs: number; signal: AbortSignal; captureResponse?: boolean },
): Promise<{ statusCode: number; response?: string }> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'POST',
      dispatcher: http,
      signal: options.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      headers: { 'user-agent': USER_AGENT, ...options.headers },
      body: options.body,
    });
  } catch (error) {
    throw classifyTransportError(error);
  }
  const { statusCode } = response;
  if (statusCode >= 200 && statusCode < 300) {
    if (options.captureResponse) return { statusCode, response: await readUpTo(response.body, MAX_RESPONSE_BYTES) };
    // Drain the body so the keep-alive connection goes back to the pool.
    await response.body.dump().catch(() => undefined);
    return { statusCode };
  }
  const snippet = await readSnippet(response.body);
  const retryAfter = response.headers['retry-after'];
  const location = response.headers.location;
  throw (
    classifyHttpStatus(
      statusCode,
      Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      snippet,
      redirectTarget(url, Array.isArray(location) ? location[0] : location),
    ) ?? new Error('unreachable')
  );
}

/** The answer's text, at most `limit` bytes (a longer answer is cut, and the rest dropped). */
async function readUpTo(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** Reads at most a few KB of an error body (for the delivery log), then drops the rest. */
async function readSnippet(body: Dispatcher.ResponseData['body']): Promise<string> {
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= 4096) break;
    }
    const oneLine = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
    return oneLine.length > BODY_SNIPPET_BYTES ? `${oneLine.slice(0, BODY_SNIPPET_BYTES)}…` : oneLine;
  } catch {
    return '';
  }
}

/** Where a redirect points, safe to log (query hidden), or undefined when there is none. */
function redirectTarget(base: string, location: string | undefined): string | undefined {
  if (!location) return undefined;
  try {
    return displayUrl(new URL(location, base).toString());
  } catch {
    return '(an unparseable Location)';
  }
}

/** The pool an HTTP kind uses: private addresses only for subscriptions that allow them. */
export function dispatcherFor(context: SendContext, config: { allowPrivateAddresses?: boolean | undefined }): Dispatcher {
  return config.allowPrivateAddresses ? context.httpAllowingPrivate : context.http;
}

/** `http://` or `https://` URLs only. */
export function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}
