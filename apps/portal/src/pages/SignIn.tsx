import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage, PageTitle } from '../components';
import { useSession } from '../session';

type Fields = { email: string; password: string };

export default function SignIn() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const navigate = useNavigate();
  // Only a path on this site: never an open redirect.
  const requested = useSearchParams()[0].get('next') ?? '/';
  const next = requested.startsWith('/') && !requested.startsWith('//') ? requested : '/';
  const [error, setError] = useState<unknown>(null);
  const { register, handleSubmit, formState } = useForm<Fields>();

  const onSubmit = async (values: Fields) => {
    setError(null);
    try {
      await signIn(values.email.trim(), values.password);
      await navigate(next);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="narrow">
      <PageTitle>{t('signIn.title')}</PageTitle>
      <form onSubmit={(e) => void handleSubmit(onSubmit)(e)} noValidate>
        <div className="field">
          <label htmlFor="email">{t('signIn.email')}</label>
          <input
            id="email"
            type="email"
            autoComplete="username"
            aria-invalid={!!formState.errors.email}
            aria-describedby="email-error"
            {...register('email', { required: true, pattern: /^\S+@\S+\.\S+$/ })}
          />
          {formState.errors.email && (
            <span id="email-error" className="field-error">
              {t('signIn.emailInvalid')}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="password">{t('signIn.password')}</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            aria-invalid={!!formState.errors.password}
            aria-describedby="password-error"
            {...register('password', { required: true })}
          />
          {formState.errors.password && (
            <span id="password-error" className="field-error">
              {t('signIn.passwordRequired')}
            </span>
          )}
        </div>
        {error !== null && <ErrorMessage error={error} />}
        <button type="submit" disabled={formState.isSubmitting}>
          {t('signIn.submit')}
        </button>
      </form>
    </div>
  );
}
