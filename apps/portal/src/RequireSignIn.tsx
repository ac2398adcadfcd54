import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { Loading } from './components';
import { useSession } from './session';

/** A page for signed-in people: links from e-mails land here and come back after signing in. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { user, restoring } = useSession();
  const location = useLocation();
  if (restoring) return <Loading />;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return (
      <div className="narrow">
        <h1>{t('signIn.required')}</h1>
        <p>{t('signIn.requiredText')}</p>
        <Link to={`/sign-in?next=${next}`}>{t('nav.signIn')}</Link>
      </div>
    );
  }
  return <>{children}</>;
}
