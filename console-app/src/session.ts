import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Schemas } from './api-client';

/** Who is signed in (GET /v1/me): an operator, or one tenant (by key or portal link). */
export type Me = Schemas['Me'];

export const SessionContext = createContext<Me | undefined>(undefined);

/** The signed-in caller; pages render only inside a session. */
export function useMe(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe outside a session');
  return me;
}

/** Formats an ISO time for people: local date and time, to the second. */
export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');
