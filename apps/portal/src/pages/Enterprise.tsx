import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { PageTitle, QueryView } from '../components';
import { formatDate } from '../format';

const TrackRecord = lazy(() => import('./after/TrackRecord'));

export default function Enterprise() {
  const { t } = useTranslation();
  const id = useParams().id as string;
  const firm = useQuery({
    queryKey: ['enterprise', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/enterprises/{id}', { params: { path: { id } } })),
  });
  return (
    <QueryView query={firm}>
      {(e) => (
        <article>
          <PageTitle>{e.legalName}</PageTitle>
          {e.shortName && <p className="lead">{e.shortName}</p>}
          <dl className="facts boxed">
            <div>
              <dt>{t('enterprises.taxCode')}</dt>
              <dd>{e.taxCode}</dd>
            </div>
            <div>
              <dt>{t('enterprises.status')}</dt>
              <dd>
                {t(`enterpriseStatus.${e.status}`)}
                {e.statusEffectiveDate && ` (${formatDate(e.statusEffectiveDate)})`}
              </dd>
            </div>
            <div>
              <dt>{t('enterprises.address')}</dt>
              <dd>
                {e.address}
                {e.areaName && `, ${e.areaName}`}
              </dd>
            </div>
            <div>
              <dt>{t('enterprises.founded')}</dt>
              <dd>{formatDate(e.foundedOn)}</dd>
            </div>
            <div>
              <dt>{t('enterprises.headcount')}</dt>
              <dd>{e.headcountBand ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('problems.sector')}</dt>
              <dd>{e.sectors.map((s) => t(`sectors.${s}`)).join(', ')}</dd>
            </div>
          </dl>
          {(e.website || e.contactEmail || e.phone) && (
            <section aria-labelledby="contact-heading">
              <h2 id="contact-heading">{t('enterprises.contact')}</h2>
              <ul className="compact">
                {e.website && (
                  <li>
                    <a href={e.website} rel="noopener noreferrer">
                      {e.website}
                    </a>
                  </li>
                )}
                {e.contactEmail && (
                  <li>
                    <a href={`mailto:${e.contactEmail}`}>{e.contactEmail}</a>
                  </li>
                )}
                {e.phone && <li>{e.phone}</li>}
              </ul>
            </section>
          )}
          {e.tags.length > 0 && (
            <p>
              {t('enterprises.tags')}: {e.tags.join(', ')}
            </p>
          )}
          <Suspense fallback={null}>
            <TrackRecord enterpriseId={e.id} />
          </Suspense>
        </article>
      )}
    </QueryView>
  );
}
