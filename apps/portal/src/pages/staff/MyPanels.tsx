import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { PageTitle, QueryView } from '../../components';
import { formatDateTime } from '../../format';
import { RequireRole } from './shared';

/** The evaluator's panels and what each needs from them now. */
function MyPanelsView() {
  const { t } = useTranslation();
  const panels = useQuery({
    queryKey: ['me', 'panels'],
    queryFn: async () => unwrap(await api.GET('/api/v1/me/panels', { params: { query: { limit: 100 } } })),
  });
  return (
    <div>
      <PageTitle>{t('staff.panels.title')}</PageTitle>
      <QueryView query={panels}>
        {(list) =>
          list.items.length === 0 ? (
            <p className="muted">{t('staff.panels.none')}</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label={t('staff.panels.title')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('staff.problemTitle')}</th>
                    <th scope="col">{t('staff.panels.department')}</th>
                    <th scope="col">{t('problem.deadline')}</th>
                    <th scope="col">{t('staff.panels.due')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((p) => (
                    <tr key={p.problemId}>
                      <td>
                        <Link to={`/evaluation/${p.problemId}`}>{p.title}</Link>
                        {p.chair && <span className="badge"> {t('staff.manage.chair')}</span>}
                      </td>
                      <td>{p.departmentName}</td>
                      <td>{formatDateTime(p.deadline)}</td>
                      <td>{t(`staff.panels.dueBy.${p.status}`, { defaultValue: p.status })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </div>
  );
}

export default function MyPanels() {
  return (
    <RequireRole roles={['evaluator']}>
      <MyPanelsView />
    </RequireRole>
  );
}
