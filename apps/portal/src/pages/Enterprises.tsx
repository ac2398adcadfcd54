import { useInfiniteQuery } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, Loading, PageTitle, SectorOptions } from '../components';

type Filters = { q: string; sector: string };

/** The public registry of verified digital-technology firms. */
export default function Enterprises() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters: Filters = { q: params.get('q') ?? '', sector: params.get('sector') ?? '' };
  const { register, handleSubmit } = useForm<Filters>({ values: filters });
  const query = {
    q: filters.q || undefined,
    sector: (filters.sector || undefined) as Schemas['EnterpriseSummary']['sectors'][number] | undefined,
    status: 'verified' as const,
    limit: 30,
  };
  const results = useInfiniteQuery({
    queryKey: ['enterprises', query],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/enterprises', { params: { query: { ...query, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];
  const onSubmit = (values: Filters) => {
    const next = new URLSearchParams();
    if (values.q.trim()) next.set('q', values.q.trim());
    if (values.sector) next.set('sector', values.sector);
    setParams(next);
  };

  return (
    <>
      <PageTitle>{t('enterprises.title')}</PageTitle>
      <p className="lead">{t('enterprises.lead')}</p>
      <form className="filters" role="search" onSubmit={(e) => void handleSubmit(onSubmit)(e)}>
        <div className="field wide">
          <label htmlFor="eq">{t('enterprises.q')}</label>
          <input id="eq" type="search" {...register('q', { maxLength: 200 })} />
        </div>
        <div className="field">
          <label htmlFor="esector">{t('problems.sector')}</label>
          <select id="esector" {...register('sector')}>
            <SectorOptions />
          </select>
        </div>
        <div className="actions">
          <button type="submit">{t('problems.search')}</button>
        </div>
      </form>
      {results.error ? (
        <ErrorMessage error={results.error} />
      ) : results.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <p className="muted">{t('enterprises.none')}</p>
      ) : (
        <ul className="cards">
          {items.map((e) => (
            <li key={e.id} className="card">
              <h2 className="h3">
                <Link to={`/enterprises/${e.id}`}>{e.legalName}</Link>
              </h2>
              <p className="muted">
                {t('enterprises.taxCode')}: {e.taxCode} · {e.areaName ?? e.areaCode}
              </p>
              <p>{e.sectors.map((s) => t(`sectors.${s}`)).join(', ')}</p>
            </li>
          ))}
        </ul>
      )}
      {results.hasNextPage && (
        <button type="button" onClick={() => void results.fetchNextPage()} disabled={results.isFetchingNextPage}>
          {t('common.more')}
        </button>
      )}
    </>
  );
}
