import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { validateTaxCode } from '../../../../libs/enterprises/src/tax-code';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, PageTitle } from '../components';
import { SECTORS } from '../enums';
import { useAreas } from '../queries';

type Fields = {
  fullName: string;
  email: string;
  password: string;
  taxCode: string;
  legalName: string;
  address: string;
  areaCode: string;
  sectors: string[];
  website: string;
};
// Mirrors the API's rules; the API stays the authority (its answer is shown as it comes).
const PASSWORD_MIN = 8;

/** A firm registers itself and its owner; it waits for an administrator to verify it. */
export default function Register() {
  const { t } = useTranslation();
  const areas = useAreas();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<Schemas['RegistrationRequested'] | null>(null);
  const { register, handleSubmit, formState } = useForm<Fields>({ mode: 'onChange', defaultValues: { sectors: [] } });
  const errors = formState.errors;

  const onSubmit = async (v: Fields) => {
    setError(null);
    try {
      const result = unwrap(
        await api.POST('/api/v1/auth/register-enterprise', {
          body: {
            fullName: v.fullName.trim(),
            email: v.email.trim(),
            password: v.password,
            enterprise: {
              taxCode: v.taxCode,
              legalName: v.legalName.trim(),
              address: v.address.trim(),
              areaCode: v.areaCode,
              sectors: v.sectors as Schemas['RegisterEnterpriseProfileDto']['sectors'],
              website: v.website.trim() || undefined,
            },
          },
        }),
      );
      setDone(result);
    } catch (err) {
      setError(err);
    }
  };

  if (done) {
    return (
      <div className="narrow">
        <PageTitle>{t('register.sentTitle')}</PageTitle>
        <p role="status">{t('register.sent', { email: done.email, hours: done.expiresInHours })}</p>
        <p>{t('register.sentHint')}</p>
      </div>
    );
  }

  const field = (name: keyof Fields, label: string, input: React.ReactNode, message?: string) => (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {input}
      {message && (
        <span id={`${name}-error`} className="field-error" role="alert">
          {message}
        </span>
      )}
    </div>
  );
  const aria = (name: keyof Fields) => ({
    id: name,
    'aria-invalid': !!errors[name],
    'aria-describedby': errors[name] ? `${name}-error` : undefined,
  });

  return (
    <div className="form-page">
      <PageTitle>{t('register.title')}</PageTitle>
      <p className="lead">{t('register.lead')}</p>
      <form onSubmit={(e) => void handleSubmit(onSubmit)(e)} noValidate>
        <fieldset>
          <legend>{t('register.firm')}</legend>
          {field(
            'taxCode',
            t('register.taxCode'),
            <input
              {...aria('taxCode')}
              inputMode="numeric"
              autoComplete="off"
              {...register('taxCode', {
                validate: (value) => {
                  const result = validateTaxCode(value);
                  return result.valid || t(`register.taxCodeProblem.${result.problem}`);
                },
              })}
            />,
            errors.taxCode?.message,
          )}
          {field(
            'legalName',
            t('register.legalName'),
            <input {...aria('legalName')} {...register('legalName', { required: t('register.required'), maxLength: 300 })} />,
            errors.legalName?.message,
          )}
          {field(
            'address',
            t('register.address'),
            <input
              {...aria('address')}
              autoComplete="street-address"
              {...register('address', { required: t('register.required'), maxLength: 500 })}
            />,
            errors.address?.message,
          )}
          {field(
            'areaCode',
            t('register.area'),
            <select {...aria('areaCode')} {...register('areaCode', { required: t('register.required') })}>
              <option value="">{t('register.choose')}</option>
              {areas.data
                ?.filter((a) => a.unitType !== 'city')
                .map((a) => (
                  <option key={a.code} value={a.code}>
                    {a.name}
                  </option>
                ))}
            </select>,
            errors.areaCode?.message,
          )}
          <fieldset className="checks" aria-describedby={errors.sectors ? 'sectors-error' : undefined}>
            <legend>{t('register.sectors')}</legend>
            {SECTORS.map((s) => (
              <label key={s} className="check">
                <input
                  type="checkbox"
                  value={s}
                  {...register('sectors', { validate: (v) => v.length > 0 || t('register.sectorsRequired') })}
                />{' '}
                {t(`sectors.${s}`)}
              </label>
            ))}
            {errors.sectors && (
              <span id="sectors-error" className="field-error" role="alert">
                {errors.sectors.message}
              </span>
            )}
          </fieldset>
          {field(
            'website',
            t('register.website'),
            <input
              {...aria('website')}
              type="url"
              {...register('website', { pattern: { value: /^https?:\/\/\S+$/, message: t('register.websiteInvalid') } })}
            />,
            errors.website?.message,
          )}
        </fieldset>
        <fieldset>
          <legend>{t('register.owner')}</legend>
          {field(
            'fullName',
            t('register.fullName'),
            <input
              {...aria('fullName')}
              autoComplete="name"
              {...register('fullName', { required: t('register.required'), maxLength: 200 })}
            />,
            errors.fullName?.message,
          )}
          {field(
            'email',
            t('signIn.email'),
            <input
              {...aria('email')}
              type="email"
              autoComplete="email"
              {...register('email', {
                required: t('register.required'),
                pattern: { value: /^\S+@\S+\.\S+$/, message: t('signIn.emailInvalid') },
              })}
            />,
            errors.email?.message,
          )}
          {field(
            'password',
            t('signIn.password'),
            <input
              {...aria('password')}
              type="password"
              autoComplete="new-password"
              {...register('password', {
                minLength: { value: PASSWORD_MIN, message: t('setPassword.tooShort', { min: PASSWORD_MIN, max: 128 }) },
                maxLength: 128,
                required: t('register.required'),
              })}
            />,
            errors.password?.message,
          )}
        </fieldset>
        {error !== null && <ErrorMessage error={error} />}
        <button type="submit" disabled={formState.isSubmitting}>
          {t('register.submit')}
        </button>
      </form>
    </div>
  );
}
