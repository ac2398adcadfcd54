import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, PageTitle } from '../components';

/**
 * The page the registration mail links to: /register/confirm?token=…
 * Confirming is a button, not the page load, so a mail scanner that opens links confirms nothing.
 */
export default function ConfirmRegistration() {
  const { t } = useTranslation();
  const token = useSearchParams()[0].get('token') ?? '';
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Schemas['RegistrationResult'] | null>(null);

  const confirm = async () => {
    setError(null);
    setBusy(true);
    try {
      setDone(unwrap(await api.POST('/api/v1/auth/register-enterprise/confirm', { body: { token } })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <div className="narrow">
        <PageTitle>{t('register.doneTitle')}</PageTitle>
        <p role="status">
          {done.claim
            ? t('register.claimed', { taxCode: done.enterprise.taxCode })
            : t('register.done', { taxCode: done.enterprise.taxCode })}
        </p>
        <Link to="/sign-in">{t('nav.signIn')}</Link>
      </div>
    );
  }
  return (
    <div className="narrow">
      <PageTitle>{t('register.confirmTitle')}</PageTitle>
      {token ? <p>{t('register.confirmLead')}</p> : <p className="error">{t('setPassword.noToken')}</p>}
      {error !== null && <ErrorMessage error={error} />}
      <button type="button" onClick={() => void confirm()} disabled={!token || busy}>
        {t('register.confirm')}
      </button>
      {error !== null && (
        <p>
          <Link to="/register">{t('register.again')}</Link>
        </p>
      )}
    </div>
  );
}
