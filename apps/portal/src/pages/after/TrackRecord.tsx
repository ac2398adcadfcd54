import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { formatDate, formatNumber } from '../../format';
import './texts';

const percent = (rate: number | null) => (rate === null ? '—' : `${formatNumber(rate * 100, 0)}%`);

/** On the firm's public page: its delivered orders, on-time rate and KPI achievement, from its orders. */
export default function TrackRecord({ enterpriseId }: { enterpriseId: string }) {
  const { t } = useTranslation();
  const record = useQuery({
    queryKey: ['track-record', enterpriseId],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/enterprises/{id}/track-record', { params: { path: { id: enterpriseId } } })),
  });
  const r = record.data;
  if (!r) return null;
  return (
    <section aria-labelledby="track-heading">
      <h2 id="track-heading">{t('trackRecord.title')}</h2>
      {r.completedOrders + r.terminatedOrders + r.ordersInProgress === 0 ? (
        <p className="muted">{t('trackRecord.none')}</p>
      ) : (
        <>
          <dl className="facts boxed">
            <div>
              <dt>{t('trackRecord.completed')}</dt>
              <dd>{formatNumber(r.completedOrders)}</dd>
            </div>
            <div>
              <dt>{t('trackRecord.inProgress')}</dt>
              <dd>{formatNumber(r.ordersInProgress)}</dd>
            </div>
            <div>
              <dt>{t('trackRecord.terminated')}</dt>
              <dd>{formatNumber(r.terminatedOrders)}</dd>
            </div>
            <div>
              <dt>{t('trackRecord.onTime')}</dt>
              <dd>
                {percent(r.onTimeRate)}{' '}
                <span className="muted">
                  ({t('trackRecord.ofMilestones', { on: r.onTimeMilestones, total: r.acceptedMilestones })})
                </span>
              </dd>
            </div>
            <div>
              <dt>{t('trackRecord.kpis')}</dt>
              <dd>
                {percent(r.kpiAchievementRate)}{' '}
                <span className="muted">({t('trackRecord.ofKpis', { met: r.kpisMet, total: r.kpisRecorded })})</span>
              </dd>
            </div>
            <div>
              <dt>{t('trackRecord.solved')}</dt>
              <dd>{t('trackRecord.solvedCounts', r.solved)}</dd>
            </div>
          </dl>
          {r.delivered.length > 0 && (
            <div className="table-scroll" tabIndex={0} role="region" aria-label={t('trackRecord.delivered')}>
              <table>
                <caption>{t('trackRecord.delivered')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('orders.title')}</th>
                    <th scope="col">{t('orders.department')}</th>
                    <th scope="col">{t('catalogue.completedAt')}</th>
                    <th scope="col">{t('orders.solvedQuestion')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.delivered.map((d) => (
                    <tr key={d.orderId}>
                      <td>
                        <Link to={`/orders/${d.orderId}`}>{d.title}</Link>
                      </td>
                      <td>{d.departmentName}</td>
                      <td>{formatDate(d.completedAt)}</td>
                      <td>{d.solved ? t(`orders.solved.${d.solved}`) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
