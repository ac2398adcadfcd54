import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../api/client';
import { PageTitle, QueryView } from '../components';
import { formatDate, formatNumber } from '../format';

type Area = Schemas['AreaDensityView'];
type SortKey = 'name' | 'enterprises' | 'population' | 'density';
const BASE = '/api/v1/indicators/enterprise-density';

function compare(a: Area, b: Area, key: SortKey): number {
  switch (key) {
    case 'name':
      return a.name.localeCompare(b.name, 'vi');
    case 'enterprises':
      return a.enterprises - b.enterprises;
    case 'population':
      return (a.population?.value ?? -1) - (b.population?.value ?? -1);
    case 'density':
      return (a.density ?? -1) - (b.density ?? -1);
  }
}

/** The public indicator: the city against the 0.7 target, each commune-level unit, the series and the sectors. */
export default function Indicators() {
  const { t, i18n } = useTranslation();
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'density', descending: true });
  const byArea = useQuery({
    queryKey: ['density', 'area'],
    queryFn: async () => unwrap(await api.GET(BASE, { params: { query: { groupBy: 'area' } } })),
  });
  const bySector = useQuery({
    queryKey: ['density', 'sector'],
    queryFn: async () => unwrap(await api.GET(BASE, { params: { query: { groupBy: 'sector' } } })),
  });

  const header = (key: SortKey, numeric = true) => {
    const active = sort.key === key;
    return (
      <th
        scope="col"
        className={numeric ? 'num' : undefined}
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          className="sort"
          onClick={() => setSort({ key, descending: active ? !sort.descending : key !== 'name' })}
        >
          {t(`indicators.col.${key}`)}
          <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <>
      <PageTitle>{t('indicators.title')}</PageTitle>
      <p className="lead">{t('indicators.lead')}</p>
      <QueryView query={byArea}>
        {(d) => {
          const units = d.areas.filter((a) => a.unitType !== 'city');
          const sorted = [...units].sort((a, b) => (sort.descending ? -1 : 1) * compare(a, b, sort.key));
          const sources = [
            ...new Set([d.city.population?.source, ...units.map((u) => u.population?.source)].filter(Boolean)),
          ] as string[];
          return (
            <>
              <section className="indicator-card" aria-labelledby="city-heading">
                <h2 id="city-heading">{t('indicators.city', { date: formatDate(d.asOf) })}</h2>
                <p className="figure">
                  <strong>{formatNumber(d.city.density, 3)}</strong> {t('indicators.perThousand')} ·{' '}
                  {t('indicators.target', { target: formatNumber(d.target, 1) })}
                </p>
                <p>
                  {t('indicators.cityFacts', {
                    count: d.city.enterprises,
                    population: formatNumber(d.city.population?.value),
                  })}
                </p>
                {d.city.reason && <p className="muted">{d.city.reason}</p>}
              </section>
              <section aria-labelledby="chart-heading">
                <h2 id="chart-heading">{t('indicators.series')}</h2>
                <img
                  className="chart"
                  src={`${BASE}/chart?lang=${i18n.language === 'en' ? 'en' : 'vi'}`}
                  alt={t('indicators.chartAlt')}
                  width={720}
                  height={320}
                />
                <p>
                  <a href={`${BASE}/series?format=csv`} download>
                    {t('indicators.seriesCsv')}
                  </a>
                </p>
              </section>
              <section aria-labelledby="units-heading">
                <h2 id="units-heading">{t('indicators.units', { count: units.length })}</h2>
                <p>
                  <a href={`${BASE}?format=csv&groupBy=area`} download>
                    {t('indicators.unitsCsv')}
                  </a>
                </p>
                <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="units-heading">
                  <table>
                    <thead>
                      <tr>
                        {header('name', false)}
                        {header('enterprises')}
                        {header('population')}
                        {header('density')}
                      </tr>
                    </thead>
                    <tbody>
                      {sorted.map((a) => (
                        <tr key={a.areaCode}>
                          <td>{a.name}</td>
                          <td className="num">{formatNumber(a.enterprises)}</td>
                          <td className="num">{formatNumber(a.population?.value)}</td>
                          <td className="num">
                            {a.density == null ? (
                              <span className="muted">{t('indicators.noPopulation')}</span>
                            ) : (
                              formatNumber(a.density, 3)
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
              <section aria-labelledby="sources-heading">
                <h2 id="sources-heading">{t('indicators.sources')}</h2>
                <ul className="compact">
                  {sources.map((s) => (
                    <li key={s}>{s}</li>
                  ))}
                </ul>
                <p className="muted">{t('indicators.method')}</p>
              </section>
            </>
          );
        }}
      </QueryView>
      <section aria-labelledby="sectors-heading">
        <h2 id="sectors-heading">{t('indicators.bySector')}</h2>
        <QueryView query={bySector}>
          {(d) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('problems.sector')}</th>
                  <th scope="col" className="num">
                    {t('indicators.col.enterprises')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {(d.sectors ?? []).map((s) => (
                  <tr key={s.sector}>
                    <td>{t(`sectors.${s.sector}`, { defaultValue: s.sector })}</td>
                    <td className="num">{formatNumber(s.enterprises)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryView>
      </section>
    </>
  );
}
