import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage, Loading, PageTitle, ProblemCard, SectorOptions } from '../components';
import { PROBLEM_STATUSES } from '../enums';
import { FIELDS, filtersOf, problemSearch, useAreas, type Filters } from '../queries';

/** Problem search: every filter lives in the URL, so a search can be shared or bookmarked. */
export default function Problems() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const { register, handleSubmit, formState } = useForm<Filters>({ values: filters });

  const departments = useQuery({
    queryKey: ['departments'],
    queryFn: async () => unwrap(await api.GET('/api/v1/departments', { params: { query: { limit: 100 } } })),
  });
  const areas = useAreas();

  const results = useInfiniteQuery(problemSearch(filters));

  const onSubmit = (values: Filters) => {
    const next = new URLSearchParams();
    for (const f of FIELDS) if (values[f]) next.set(f, values[f].trim());
    setParams(next);
  };
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageTitle>{t('problems.title')}</PageTitle>
      <form className="filters" onSubmit={(e) => void handleSubmit(onSubmit)(e)} role="search" noValidate>
        <div className="field wide">
          <label htmlFor="q">{t('problems.q')}</label>
          <input id="q" type="search" {...register('q', { maxLength: 200 })} placeholder={t('problems.qPlaceholder')} />
        </div>
        <div className="field">
          <label htmlFor="sector">{t('problems.sector')}</label>
          <select id="sector" {...register('sector')}>
            <SectorOptions />
          </select>
        </div>
        <div className="field">
          <label htmlFor="departmentId">{t('problems.department')}</label>
          <select id="departmentId" {...register('departmentId')}>
            <option value="">{t('common.all')}</option>
            {departments.data?.items.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="areaCode">{t('problems.area')}</label>
          <select id="areaCode" {...register('areaCode')}>
            <option value="">{t('common.all')}</option>
            {areas.data?.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="status">{t('problems.status')}</label>
          <select id="status" {...register('status')}>
            <option value="">{t('common.all')}</option>
            {PROBLEM_STATUSES.filter((s) => s !== 'draft').map((s) => (
              <option key={s} value={s}>
                {t(`problemStatus.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="budgetMin">{t('problems.budgetMin')}</label>
          <input
            id="budgetMin"
            inputMode="numeric"
            aria-invalid={!!formState.errors.budgetMin}
            {...register('budgetMin', { pattern: /^\d*$/ })}
          />
          {formState.errors.budgetMin && <span className="field-error">{t('problems.wholeNumber')}</span>}
        </div>
        <div className="field">
          <label htmlFor="budgetMax">{t('problems.budgetMax')}</label>
          <input
            id="budgetMax"
            inputMode="numeric"
            aria-invalid={!!formState.errors.budgetMax}
            {...register('budgetMax', { pattern: /^\d*$/ })}
          />
          {formState.errors.budgetMax && <span className="field-error">{t('problems.wholeNumber')}</span>}
        </div>
        <div className="field">
          <label htmlFor="deadlineFrom">{t('problems.deadlineFrom')}</label>
          <input id="deadlineFrom" type="date" {...register('deadlineFrom')} />
        </div>
        <div className="field">
          <label htmlFor="deadlineTo">{t('problems.deadlineTo')}</label>
          <input id="deadlineTo" type="date" {...register('deadlineTo')} />
        </div>
        <div className="field">
          <label htmlFor="sort">{t('problems.sort')}</label>
          <select id="sort" {...register('sort')}>
            <option value="">{t('problems.sortDefault')}</option>
            <option value="deadline">{t('problems.sortDeadline')}</option>
            <option value="newest">{t('problems.sortNewest')}</option>
          </select>
        </div>
        <div className="actions">
          <button type="submit">{t('problems.search')}</button>
        </div>
      </form>
      <section aria-live="polite" aria-labelledby="results-heading">
        <h2 id="results-heading">{t('problems.results')}</h2>
        {results.error ? (
          <ErrorMessage error={results.error} />
        ) : results.isPending ? (
          <Loading />
        ) : items.length === 0 ? (
          <p className="muted">{t('problems.none')}</p>
        ) : (
          <ul className="cards">
            {items.map((p) => (
              <ProblemCard key={p.id} problem={p} />
            ))}
          </ul>
        )}
        {results.hasNextPage && (
          <button type="button" onClick={() => void results.fetchNextPage()} disabled={results.isFetchingNextPage}>
            {t('common.more')}
          </button>
        )}
      </section>
    </>
  );
}
