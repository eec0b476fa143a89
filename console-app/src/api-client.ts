// The console's only way to the engine: the management API (/v1), through a client typed by the
// document the engine serves (client/src/management-api.ts, written by the API's test). The
// credential is the API key the user signed in with, or a portal link's token taken from the
// URL's fragment; it lives in this tab's sessionStorage and goes out as a bearer header only.
import { createOutboxClient, type components } from '../../client/src/index';

export type Problem = components['schemas']['Problem'];
export type Schemas = components['schemas'];

const STORAGE_KEY = 'outbox-console-credential';

export const credential = {
  read: (): string | null => sessionStorage.getItem(STORAGE_KEY),
  write: (value: string): void => sessionStorage.setItem(STORAGE_KEY, value),
  clear: (): void => sessionStorage.removeItem(STORAGE_KEY),
};

/**
 * Takes a portal link's token out of the address (`/console/#portal=obp_…`) into the session,
 * and removes it from the address bar and the history. Returns whether there was one.
 */
export function adoptPortalToken(): boolean {
  const match = /^#portal=(obp_[A-Za-z0-9_.-]+)$/.exec(location.hash);
  if (!match) return false;
  credential.write(match[1]!);
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return true;
}

/** Listeners told when the API answers 401 (a key revoked, a link expired): the app signs out. */
const unauthorizedListeners = new Set<(problem: Problem | undefined) => void>();
export const onUnauthorized = (listener: (problem: Problem | undefined) => void) => {
  unauthorizedListeners.add(listener);
  return () => void unauthorizedListeners.delete(listener);
};

export const api = createOutboxClient({ baseUrl: location.origin });
api.use({
  onRequest({ request }) {
    const value = credential.read();
    if (value) request.headers.set('authorization', `Bearer ${value}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      const problem = (await response
        .clone()
        .json()
        .catch(() => undefined)) as Problem | undefined;
      for (const listener of unauthorizedListeners) listener(problem);
    }
    return undefined;
  },
});

/** A problem document (or any failure) in words: its detail, and each field it names. */
export function describeProblem(error: unknown): string {
  if (error && typeof error === 'object' && 'detail' in error) {
    const problem = error as Problem;
    const fields = (problem.errors ?? []).map((issue) => `${issue.field} ${issue.message}`).join('; ');
    return `${problem.title}: ${problem.detail}${fields && !problem.detail.includes(fields) ? ` (${fields})` : ''}`;
  }
  if (error instanceof Error) return `${error.message}. Check that the engine is running, then try again.`;
  return 'The request failed. Check that the engine is running, then try again.';
}
