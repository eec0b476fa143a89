import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeProblem } from '../api-client';

/** What a page loaded: the data, or the error in words, and a way to load it again. */
export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  /** `true` while the first load (or a reload after a change of `key`) is under way. */
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data for a page with one API call; `key` changes (a filter, an id) load again. The call
 * answers openapi-fetch's `{ data, error }`; an error becomes words that say what to do.
 */
export function useLoad<T>(load: () => Promise<{ data?: T; error?: unknown }>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (answer) =>
        current && setState(answer.error === undefined ? { data: answer.data, loading: false } : { error: describeProblem(answer.error), loading: false }),
      (error: unknown) => current && setState({ error: describeProblem(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure on every render; `key` says when its inputs changed.
  }, [key, tick]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
