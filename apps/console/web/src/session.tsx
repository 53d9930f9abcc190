import { ConsoleSessionResponse, type Scope } from '@modelyard/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { ApiError, call, setCsrfToken, whenUnauthenticated } from './api';

type SessionValue = ConsoleSessionResponse | null;
const SessionContext = createContext<SessionValue>(null);

export const SESSION_KEY = ['session'];

/** GET /session: the signed-in session, or null when there is none (401). */
export async function fetchSession(): Promise<SessionValue> {
  try {
    const session = await call('/session', { schema: ConsoleSessionResponse });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

/** Loads the session once; pages below it are shown only when signed in, otherwise sign-in is. */
export function SessionProvider({ children, signIn }: { children: ReactNode; signIn: ReactNode }) {
  const client = useQueryClient();
  const [location, navigate] = useLocation();
  const session = useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: Infinity });
  useEffect(() => {
    whenUnauthenticated(() => {
      setCsrfToken(null);
      client.setQueryData(SESSION_KEY, null);
    });
  }, [client]);
  useEffect(() => {
    // Back to the page asked for once signed in; the sign-in page itself is never a destination.
    if (session.data === null && location !== '/sign-in') navigate(`/sign-in?next=${encodeURIComponent(location)}`);
  }, [session.data, location, navigate]);
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError) return <p role="alert">The console could not be reached: {session.error.message}</p>;
  if (!session.data) return <>{signIn}</>;
  return <SessionContext.Provider value={session.data}>{children}</SessionContext.Provider>;
}

export function useSession(): ConsoleSessionResponse {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Whether the signed-in credential has a scope: what a user may click follows it. */
export function useCan(scope: Scope): boolean {
  return useSession().who.scopes.includes(scope);
}
