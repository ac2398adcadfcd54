import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { PageTitle, QueryView } from '../components';
import { formatDateTime } from '../format';
import { RequireSignIn } from '../RequireSignIn';

function List() {
  const { t } = useTranslation();
  const mine = useQuery({
    queryKey: ['proposals', 'mine'],
    queryFn: async () => unwrap(await api.GET('/api/v1/me/proposals', { params: { query: { limit: 100 } } })),
  });
  return (
    <>
      <PageTitle>{t('proposal.mine')}</PageTitle>
      <QueryView query={mine}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t('proposal.none')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('proposal.problem')}</th>
                  <th scope="col">{t('proposal.status')}</th>
                  <th scope="col">{t('proposal.version')}</th>
                  <th scope="col">{t('proposal.submittedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/proposals/${p.id}`}>{p.problemTitle}</Link>
                    </td>
                    <td>{t(`proposalStatus.${p.status}`, { defaultValue: p.status })}</td>
                    <td>{p.version}</td>
                    <td>{formatDateTime(p.submittedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </>
  );
}

export default function MyProposals() {
  return (
    <RequireSignIn>
      <List />
    </RequireSignIn>
  );
}
