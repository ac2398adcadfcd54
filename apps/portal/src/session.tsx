import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, setAccessToken, unwrap, type Schemas } from './api/client';
import i18n, { rememberLanguage, type Language } from './i18n';

export type SessionUser = Schemas['TokenPair']['user'];

interface Session {
  user: SessionUser | null;
  /** True until the first silent refresh has told whether a session cookie exists. */
  restoring: boolean;
  signIn(email: string, password: string): Promise<SessionUser>;
  signOut(): Promise<void>;
  setLanguage(language: Language): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/**
 * The header that asks the API for the cookie session and proves, on refresh and logout, that the
 * call comes from the portal's own script (CSRF check, apps/api/src/auth/session-cookie.ts).
 */
const PORTAL = { 'X-Portal-Session': '1' };

/**
 * Who is signed in. The access token lives in memory (client.ts); the refresh token in an HttpOnly
 * cookie the script never sees. A reload restores the session with one refresh call.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [restoring, setRestoring] = useState(true);
  const timer = useRef<number | undefined>(undefined);
  const refreshRef = useRef<() => Promise<void>>(() => Promise.resolve());
  const queryClient = useQueryClient();

  const adopt = useCallback((tokens: Schemas['TokenPair'] | null) => {
    window.clearTimeout(timer.current);
    setAccessToken(tokens?.accessToken ?? null);
    setUser(tokens?.user ?? null);
    if (tokens) {
      // Refresh a minute before the access token expires.
      timer.current = window.setTimeout(() => void refreshRef.current(), Math.max(10, tokens.expiresIn - 60) * 1000);
    }
  }, []);

  const refresh = useCallback(async () => {
    const result = await api.POST('/api/v1/auth/refresh', { body: {}, headers: PORTAL }).catch(() => null);
    adopt(result?.data ?? null);
  }, [adopt]);
  refreshRef.current = refresh;

  useEffect(() => {
    void refresh().finally(() => setRestoring(false));
    return () => window.clearTimeout(timer.current);
  }, [refresh]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const tokens = unwrap(await api.POST('/api/v1/auth/login', { body: { email, password }, headers: PORTAL }));
      adopt(tokens);
      // The saved language wins over the browser's choice once signed in.
      const me = unwrap(await api.GET('/api/v1/me'));
      if (me.language !== i18n.language) {
        await i18n.changeLanguage(me.language);
        rememberLanguage(me.language);
      }
      return tokens.user;
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    await api.POST('/api/v1/auth/logout', { body: {}, headers: PORTAL }).catch(() => null);
    adopt(null);
    queryClient.clear();
  }, [adopt, queryClient]);

  const setLanguage = useCallback(
    async (language: Language) => {
      await i18n.changeLanguage(language);
      rememberLanguage(language);
      if (user) unwrap(await api.PATCH('/api/v1/me', { body: { language } }));
      await queryClient.invalidateQueries();
    },
    [user, queryClient],
  );

  const value = useMemo(
    () => ({ user, restoring, signIn, signOut, setLanguage }),
    [user, restoring, signIn, signOut, setLanguage],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
