import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage, PageTitle } from '../components';

type Fields = { password: string; confirm: string };
// Mirrors the API's rule (libs/identity/src/password-hasher.ts); the API stays the authority.
const MIN = 8;
const MAX = 128;

/**
 * The pages that mail links to for choosing a first password: /set-password?token=… (an account made
 * by an admin) and /invitation?token=… (joining a firm that invited you).
 */
export default function SetPassword({ invitation = false }: { invitation?: boolean }) {
  const { t } = useTranslation();
  const token = useSearchParams()[0].get('token') ?? '';
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const { register, handleSubmit, formState, getValues } = useForm<Fields>();

  const onSubmit = async (values: Fields) => {
    setError(null);
    try {
      if (invitation) unwrap(await api.POST('/api/v1/auth/invitations/accept', { body: { token, password: values.password } }));
      else unwrap(await api.POST('/api/v1/auth/password-setup', { body: { token, password: values.password } }));
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };

  if (done) {
    return (
      <div className="narrow">
        <PageTitle>{t(invitation ? 'setPassword.invitationTitle' : 'setPassword.title')}</PageTitle>
        <p role="status">{t(invitation ? 'setPassword.joined' : 'setPassword.done')}</p>
        <Link to="/sign-in">{t('nav.signIn')}</Link>
      </div>
    );
  }
  return (
    <div className="narrow">
      <PageTitle>{t(invitation ? 'setPassword.invitationTitle' : 'setPassword.title')}</PageTitle>
      {invitation && <p>{t('setPassword.invitationLead')}</p>}
      {!token && <p className="error">{t('setPassword.noToken')}</p>}
      <p>{t('setPassword.rule', { min: MIN })}</p>
      <form onSubmit={(e) => void handleSubmit(onSubmit)(e)} noValidate>
        <div className="field">
          <label htmlFor="new-password">{t('setPassword.password')}</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            aria-invalid={!!formState.errors.password}
            aria-describedby="new-password-error"
            {...register('password', { required: true, minLength: MIN, maxLength: MAX })}
          />
          {formState.errors.password && (
            <span id="new-password-error" className="field-error">
              {t('setPassword.tooShort', { min: MIN, max: MAX })}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="confirm-password">{t('setPassword.confirm')}</label>
          <input
            id="confirm-password"
            type="password"
            autoComplete="new-password"
            aria-invalid={!!formState.errors.confirm}
            aria-describedby="confirm-password-error"
            {...register('confirm', { validate: (v) => v === getValues('password') })}
          />
          {formState.errors.confirm && (
            <span id="confirm-password-error" className="field-error">
              {t('setPassword.mismatch')}
            </span>
          )}
        </div>
        {error !== null && <ErrorMessage error={error} />}
        <button type="submit" disabled={!token || formState.isSubmitting}>
          {t('setPassword.submit')}
        </button>
      </form>
    </div>
  );
}
