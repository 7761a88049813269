import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { ApiError, setCsrfToken } from './api/client';
import { getSession } from './api/endpoints';
import type { LoginRole, Session } from './api/types';

export const SESSION_KEY = ['session'] as const;

/** The signed-in session, or null when signed out (401). Other errors surface to the caller. */
export function useSessionQuery() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<Session | null> => {
      try {
        const s = await getSession();
        setCsrfToken(s.csrfToken);
        return s;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw err;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** Stores a session returned by sign-in (or null after sign-out) without another round trip. */
export function useSetSession() {
  const qc = useQueryClient();
  return (s: Session | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    if (!s) qc.clear();
    qc.setQueryData(SESSION_KEY, s);
  };
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The session inside the signed-in area. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in area');
  return s;
}

export function useRole(): LoginRole {
  return useSession().user.role;
}

export function useCan(roles: readonly LoginRole[]): boolean {
  return roles.includes(useRole());
}
