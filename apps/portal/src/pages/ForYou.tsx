import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, PageTitle, ProblemCard, QueryView } from '../components';
import { SECTORS } from '../enums';
import { RequireSignIn } from '../RequireSignIn';

type Fields = { sectors: string[]; keywords: string };

/** What the firm follows (sectors, keywords) and the open problems that fit it best. */
function Follow({ current }: { current: Schemas['Subscriptions'] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { register, handleSubmit, formState } = useForm<Fields>({
    values: { sectors: current.sectors, keywords: current.keywords.join(', ') },
  });
  const save = useMutation({
    mutationFn: async (v: Fields) =>
      unwrap(
        await api.PUT('/api/v1/me/subscriptions', {
          body: {
            sectors: v.sectors as Schemas['UpdateSubscriptionsDto']['sectors'],
            keywords: v.keywords
              .split(',')
              .map((k) => k.trim())
              .filter(Boolean),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
  return (
    <form onSubmit={(e) => void handleSubmit((v) => save.mutate(v))(e)} noValidate>
      <fieldset className="checks">
        <legend>{t('forYou.sectors')}</legend>
        {SECTORS.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" value={s} {...register('sectors')} /> {t(`sectors.${s}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="keywords">{t('forYou.keywords')}</label>
        <input
          id="keywords"
          aria-invalid={!!formState.errors.keywords}
          {...register('keywords', {
            validate: (v) =>
              v
                .split(',')
                .map((k) => k.trim())
                .filter(Boolean)
                .every((k) => k.length >= 2 && k.length <= 100),
          })}
        />
        {formState.errors.keywords && <span className="field-error">{t('forYou.keywordsInvalid')}</span>}
      </div>
      {save.error && <ErrorMessage error={save.error} />}
      {save.isSuccess && <p role="status">{t('forYou.saved')}</p>}
      <button type="submit" disabled={save.isPending}>
        {t('forYou.save')}
      </button>
    </form>
  );
}

function Page() {
  const { t } = useTranslation();
  const subscriptions = useQuery({
    queryKey: ['me', 'subscriptions'],
    queryFn: async () => unwrap(await api.GET('/api/v1/me/subscriptions')),
  });
  const recommended = useQuery({
    queryKey: ['me', 'recommended'],
    queryFn: async () => unwrap(await api.GET('/api/v1/me/recommended-problems', { params: { query: { limit: 10 } } })),
  });
  return (
    <>
      <PageTitle>{t('forYou.title')}</PageTitle>
      <section aria-labelledby="recommended-heading">
        <h2 id="recommended-heading">{t('forYou.recommended')}</h2>
        <QueryView query={recommended}>
          {(list) =>
            list.items.length === 0 ? (
              <p className="muted">{t('forYou.none')}</p>
            ) : (
              <ul className="cards">
                {list.items.map((p) => (
                  <ProblemCard key={p.id} problem={p}>
                    {p.provenInSector > 0 && <p className="muted">{t('forYou.proven', { count: p.provenInSector })}</p>}
                  </ProblemCard>
                ))}
              </ul>
            )
          }
        </QueryView>
      </section>
      <section aria-labelledby="follow-heading">
        <h2 id="follow-heading">{t('forYou.follow')}</h2>
        <p className="muted">{t('forYou.followText')}</p>
        <QueryView query={subscriptions}>{(s) => <Follow current={s} />}</QueryView>
      </section>
    </>
  );
}

export default function ForYou() {
  return (
    <RequireSignIn>
      <Page />
    </RequireSignIn>
  );
}
