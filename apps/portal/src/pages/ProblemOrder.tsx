import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { formatDateTime } from '../format';
import { OrderOutcome } from './Order';

/** On the public problem page: the standstill, then the order's progress and outcome. */
export default function ProblemOrder({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const path = { params: { path: { id: problemId } } };
  const standstill = useQuery({
    queryKey: ['problem', problemId, 'standstill'],
    queryFn: async () => (await api.GET('/api/v1/problems/{id}/standstill', path)).data ?? null,
  });
  const order = useQuery({
    queryKey: ['problem', problemId, 'order'],
    queryFn: async () => (await api.GET('/api/v1/problems/{id}/order', path)).data ?? null,
  });
  const s = standstill.data;
  const o = order.data;
  if (!s && !o) return null;
  return (
    <section aria-labelledby="order-heading">
      <h2 id="order-heading">{t('orders.afterAward')}</h2>
      {s && !o && (
        <p>
          {s.open
            ? t('complaints.standstillOpen', { date: formatDateTime(s.endsAt) })
            : t('complaints.standstillOver', { date: formatDateTime(s.endsAt) })}
        </p>
      )}
      {o && (
        <>
          <p>
            {t(`orders.statuses.${o.status}`)} ·{' '}
            {t('orders.accepted', {
              done: o.milestones.filter((m) => m.status === 'accepted').length,
              total: o.milestones.length,
            })}{' '}
            · <Link to={`/orders/${o.id}`}>{t('orders.open')}</Link>
          </p>
          {o.outcome && <OrderOutcome outcome={o.outcome} />}
        </>
      )}
    </section>
  );
}
