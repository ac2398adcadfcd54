import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { PageTitle, QueryView } from '../components';
import { formatMoney } from '../format';
import { RequireSignIn } from '../RequireSignIn';

function List() {
  const { t } = useTranslation();
  const mine = useQuery({
    queryKey: ['orders', 'mine'],
    queryFn: async () => unwrap(await api.GET('/api/v1/me/orders', { params: { query: { limit: 100 } } })),
  });
  return (
    <>
      <PageTitle>{t('orders.mine')}</PageTitle>
      <QueryView query={mine}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t('orders.none')}</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label={t('orders.mine')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('orders.title')}</th>
                    <th scope="col">{t('orders.status')}</th>
                    <th scope="col">{t('orders.price')}</th>
                    <th scope="col">{t('orders.progress')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((o) => (
                    <tr key={o.id}>
                      <td>
                        <Link to={`/orders/${o.id}`}>{o.title}</Link>
                      </td>
                      <td>{t(`orders.statuses.${o.status}`)}</td>
                      <td>{formatMoney(o.price)}</td>
                      <td>
                        {t('orders.accepted', {
                          done: o.milestones.filter((m) => m.status === 'accepted').length,
                          total: o.milestones.length,
                        })}
                        {o.milestones.some((m) => m.overdue) && <> · {t('orders.overdue')}</>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </>
  );
}

export default function MyOrders() {
  return (
    <RequireSignIn>
      <List />
    </RequireSignIn>
  );
}
