import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { classifyHttpStatus, classifyTransportError } from '../../failures/classify-failure.js';
import { DeliveryError } from '../../failures/delivery-error.js';
import { displayUrl } from '../display-url.js';
import { secretOr } from '../secret-reference.js';
import { httpUrlSchema } from '../target-options.js';

/**
 * OAuth2 client credentials (RFC 6749 §4.4) for an endpoint that wants `Authorization: Bearer`:
 * the token URL (checked against the address policy like the endpoint), the client id and secret
 * (sealed at rest, or `env:NAME`), optional scope and audience, and how the client authenticates
 * (`basic`: HTTP Basic, the RFC's default; `post`: in the form).
 *
 * @example
 * oauth2Schema.parse({ tokenUrl: 'https://auth.example.com/token', clientId: 'outbox', clientSecret: 'env:OUTBOX_SECRET_ERP' });
 */
export const oauth2Schema = z
  .object({
    tokenUrl: httpUrlSchema,
    clientId: z.string().min(1).max(500),
    clientSecret: secretOr(z.string().min(1).max(2000)),
    scope: z.string().max(2000).optional(),
    audience: z.string().max(2000).optional(),
    clientAuth: z.enum(['basic', 'post'], { error: 'must be basic or post' }).optional(),
  })
  .strict();

export type OAuth2Settings = z.output<typeof oauth2Schema>;

/** A token as cached: its value, and when to stop using it (a margin before it expires). */
export interface AccessToken {
  value: string;
  renewAt: number;
}

/** Used without `expires_in` in the answer (the RFC only recommends it). */
const DEFAULT_LIFETIME_S = 60;
const TOKEN_ANSWER = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.coerce.number().positive().optional() });

/**
 * The worker's OAuth2 tokens, one per token URL, client, secret, scope and audience: fetched on
 * first use, shared by every delivery (concurrent ones wait for the same fetch), and renewed
 * shortly before they expire (10 % of the lifetime, at most a minute): one fetch per endpoint per
 * expiry, not per event. A token the endpoint refused (401) is dropped by `invalidate` so the next
 * `get` fetches a new one; dropping an older token than the cached one does nothing, so many
 * deliveries refused at once cause one fetch.
 *
 * @example
 * const token = await tokens.get(settings, secret, dispatcher, signal);
 * headers.authorization = `Bearer ${token.value}`;
 */
export class AccessTokens {
  /** By key: the fetch in flight, and its token once it has come. */
  private readonly tokens = new Map<string, { fetching: Promise<AccessToken>; token?: AccessToken }>();

  get(settings: OAuth2Settings, clientSecret: string, dispatcher: Dispatcher, signal: AbortSignal): Promise<AccessToken> {
    const key = keyOf(settings, clientSecret);
    const entry = this.tokens.get(key);
    // In flight (another delivery started it), or fetched and still fresh: shared.
    if (entry && (!entry.token || entry.token.renewAt > Date.now())) return entry.fetching;
    const fetching = fetchToken(settings, clientSecret, dispatcher, signal);
    const next: { fetching: Promise<AccessToken>; token?: AccessToken } = { fetching };
    this.tokens.set(key, next);
    fetching.then(
      (token) => (next.token = token),
      // A failed fetch is not kept: the next delivery tries again.
      () => this.tokens.get(key) === next && this.tokens.delete(key),
    );
    return fetching;
  }

  /** Forgets `token` (the endpoint answered 401 to it), unless a newer one replaced it already. */
  invalidate(settings: OAuth2Settings, clientSecret: string, token: AccessToken): void {
    const key = keyOf(settings, clientSecret);
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }
}

function keyOf(settings: OAuth2Settings, clientSecret: string): string {
  const { tokenUrl, clientId, scope, audience, clientAuth } = settings;
  return createHash('sha256')
    .update(JSON.stringify([tokenUrl, clientId, clientSecret, scope, audience, clientAuth]))
    .digest('hex');
}

/** The token endpoint's failure, said as such: the attempt log shows the token endpoint, not the webhook, failed. */
function tokenFailure(settings: OAuth2Settings, error: DeliveryError): DeliveryError {
  const said = error.message
    .replace(/^target rejected the event/, 'rejected the token request')
    .replace(/^could not reach target/, 'could not reach it')
    .replace(/^target /, '');
  return new DeliveryError(`OAuth2 token endpoint ${displayUrl(settings.tokenUrl)}: ${said}`, { type: error.failureType, retryAfterMs: error.retryAfterMs });
}

async function fetchToken(settings: OAuth2Settings, clientSecret: string, dispatcher: Dispatcher, signal: AbortSignal): Promise<AccessToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (settings.scope) form.set('scope', settings.scope);
  if (settings.audience) form.set('audience', settings.audience);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (settings.clientAuth === 'post') {
    form.set('client_id', settings.clientId);
    form.set('client_secret', clientSecret);
  } else {
    // RFC 6749 §2.3.1: each part form-encoded, then Basic.
    const user = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  const started = Date.now();
  let response: Dispatcher.ResponseData;
  try {
    response = await request(settings.tokenUrl, { method: 'POST', dispatcher, signal, headers, body: form.toString() });
  } catch (error) {
    throw tokenFailure(settings, classifyTransportError(error));
  }
  const text = await response.body.text().catch(() => '');
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const retryAfter = response.headers['retry-after'];
    const failure = classifyHttpStatus(response.statusCode, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, text.slice(0, 300), undefined);
    throw tokenFailure(settings, failure ?? new DeliveryError(`answered HTTP ${response.statusCode}`));
  }
  let parsed: z.output<typeof TOKEN_ANSWER>;
  try {
    parsed = TOKEN_ANSWER.parse(JSON.parse(text));
  } catch {
    throw tokenFailure(settings, new DeliveryError('answered without a JSON access_token'));
  }
  if (parsed.token_type && parsed.token_type.toLowerCase() !== 'bearer') {
    throw tokenFailure(settings, new DeliveryError(`issued a ${parsed.token_type} token; only Bearer tokens are sent`));
  }
  const lifetimeMs = (parsed.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
  return { value: parsed.access_token, renewAt: started + lifetimeMs - Math.min(60_000, lifetimeMs / 10) };
}
