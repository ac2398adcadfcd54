import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { PageTitle, ProblemCard, QueryView } from '../components';
import { formatDate, formatNumber } from '../format';

function useProblems(key: string, query: { status: 'published' | 'awarded'; sort: 'newest' | 'deadline' }) {
  return useQuery({
    queryKey: ['problems', key],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems', { params: { query: { ...query, limit: 5 } } })),
  });
}

export default function Home() {
  const { t } = useTranslation();
  const open = useProblems('open', { status: 'published', sort: 'newest' });
  const closing = useProblems('closing', { status: 'published', sort: 'deadline' });
  const awarded = useProblems('awarded', { status: 'awarded', sort: 'newest' });
  const density = useQuery({
    queryKey: ['density', 'city'],
    queryFn: async () => unwrap(await api.GET('/api/v1/indicators/enterprise-density', { params: { query: {} } })),
  });

  return (
    <>
      <PageTitle>{t('home.title')}</PageTitle>
      <p className="lead">{t('home.lead')}</p>
      <section className="indicator-card" aria-labelledby="density-heading">
        <h2 id="density-heading">{t('home.density')}</h2>
        <QueryView query={density}>
          {(d) => (
            <>
              <p className="figure">
                <strong>{formatNumber(d.city.density, 3)}</strong> / {formatNumber(d.target, 1)}
              </p>
              <p>{t('home.densityExplained', { count: d.city.enterprises, date: formatDate(d.asOf) })}</p>
              {d.city.progress != null && (
                <div className="meter">
                  <progress max={1} value={Math.min(1, d.city.progress)} aria-label={t('home.progress')} />
                  <span>{t('home.progressText', { percent: formatNumber(d.city.progress * 100, 0) })}</span>
                </div>
              )}
              <Link to="/indicators">{t('home.moreIndicators')}</Link>
            </>
          )}
        </QueryView>
      </section>
      <div className="columns">
        <section aria-labelledby="open-heading">
          <h2 id="open-heading">{t('home.open')}</h2>
          <QueryView query={open}>
            {(page) =>
              page.items.length ? (
                <ul className="cards">
                  {page.items.map((p) => (
                    <ProblemCard key={p.id} problem={p} />
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('home.noneOpen')}</p>
              )
            }
          </QueryView>
          <Link to="/problems?status=published">{t('home.allOpen')}</Link>
        </section>
        <section aria-labelledby="closing-heading">
          <h2 id="closing-heading">{t('home.closingSoon')}</h2>
          <QueryView query={closing}>
            {(page) =>
              page.items.length ? (
                <ul className="compact">
                  {page.items.map((p) => (
                    <li key={p.id}>
                      <Link to={`/problems/${p.id}`}>{p.title}</Link>
                      <span className="muted"> — {formatDate(p.deadline)}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('home.noneOpen')}</p>
              )
            }
          </QueryView>
          <h2 id="awards-heading">{t('home.awards')}</h2>
          <QueryView query={awarded}>
            {(page) =>
              page.items.length ? (
                <ul className="compact">
                  {page.items.map((p) => (
                    <li key={p.id}>
                      <Link to={`/problems/${p.id}`}>{p.title}</Link>
                      <span className="muted"> — {p.departmentName}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('home.noneAwarded')}</p>
              )
            }
          </QueryView>
        </section>
      </div>
    </>
  );
}
