import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, setAccessToken, unwrap, type Schemas } from './api/client';
import i18n, { rememberLanguage, type Language } from './i18n';

export type SessionUser = Schemas['TokenPair']['user'];

interface Session {
  user: SessionUser | null;
  signIn(email: string, password: string): Promise<SessionUser>;
  signOut(): Promise<void>;
  setLanguage(language: Language): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/**
 * Who is signed in. The access token is kept in memory (client.ts) and the refresh token too:
 * a reload signs the person out rather than leaving a token in storage a script could read.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [refreshToken, setRefreshToken] = useState<string | null>(null);
  const queryClient = useQueryClient();

  const signIn = useCallback(async (email: string, password: string) => {
    const tokens = unwrap(await api.POST('/api/v1/auth/login', { body: { email, password } }));
    setAccessToken(tokens.accessToken);
    setRefreshToken(tokens.refreshToken);
    setUser(tokens.user);
    // The saved language wins over the browser's choice once signed in.
    const me = unwrap(await api.GET('/api/v1/me'));
    if (me.language && me.language !== i18n.language) {
      await i18n.changeLanguage(me.language);
      rememberLanguage(me.language);
    }
    return tokens.user;
  }, []);

  const signOut = useCallback(async () => {
    if (refreshToken) await api.POST('/api/v1/auth/logout', { body: { refreshToken } });
    setAccessToken(null);
    setRefreshToken(null);
    setUser(null);
    queryClient.clear();
  }, [refreshToken, queryClient]);

  const setLanguage = useCallback(
    async (language: Language) => {
      await i18n.changeLanguage(language);
      rememberLanguage(language);
      if (user) unwrap(await api.PATCH('/api/v1/me', { body: { language } }));
      await queryClient.invalidateQueries();
    },
    [user, queryClient],
  );

  const value = useMemo(() => ({ user, signIn, signOut, setLanguage }), [user, signIn, signOut, setLanguage]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
