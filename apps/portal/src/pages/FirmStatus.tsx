import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { PageTitle, QueryView } from '../components';
import { formatDate, formatDateTime } from '../format';
import { RequireSignIn } from '../RequireSignIn';
import { useSession } from '../session';
import { Members, ProfileForm } from './FirmAccount';

/** The firm's registry status and its history (the page the status-change mail links to). */
function Status() {
  const { t } = useTranslation();
  const { user } = useSession();
  const id = useParams().id as string;
  const path = { params: { path: { id } } };
  const firm = useQuery({
    queryKey: ['enterprise', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/enterprises/{id}', path)),
  });
  const history = useQuery({
    queryKey: ['enterprise', id, 'history'],
    queryFn: async () => unwrap(await api.GET('/api/v1/enterprises/{id}/history', path)),
  });
  return (
    <QueryView query={firm}>
      {(e) => (
        <>
          <PageTitle>{t('firmStatus.title', { name: e.legalName })}</PageTitle>
          <p className="figure">
            <strong className={`status-${e.status}`}>{t(`enterpriseStatus.${e.status}`)}</strong>
            {e.statusEffectiveDate && ` — ${t('firmStatus.since', { date: formatDate(e.statusEffectiveDate) })}`}
          </p>
          {e.statusReason && <p>{t('firmStatus.reason', { reason: e.statusReason })}</p>}
          <p className="muted">{t(`firmStatus.explain.${e.status}`)}</p>
          <h2>{t('firmStatus.history')}</h2>
          <QueryView query={history}>
            {(h) => (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('firmStatus.status')}</th>
                    <th scope="col">{t('firmStatus.effective')}</th>
                    <th scope="col">{t('firmStatus.reasonCol')}</th>
                    <th scope="col">{t('firmStatus.recorded')}</th>
                  </tr>
                </thead>
                <tbody>
                  {h.items.map((row) => (
                    <tr key={row.id}>
                      <td>{t(`enterpriseStatus.${row.toStatus}`)}</td>
                      <td>{formatDate(row.effectiveDate)}</td>
                      <td>{row.reason ?? '—'}</td>
                      <td>{formatDateTime(row.recordedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryView>
          {user?.organizationId === e.id && (
            <>
              <section aria-labelledby="members-heading">
                <h2 id="members-heading">{t('firmAccount.members')}</h2>
                <Members firmId={e.id} canInvite={user.role === 'enterprise'} />
              </section>
              <section aria-labelledby="profile-heading">
                <h2 id="profile-heading">{t('firmAccount.profile')}</h2>
                <ProfileForm firm={e} />
              </section>
            </>
          )}
        </>
      )}
    </QueryView>
  );
}

export default function FirmStatus() {
  return (
    <RequireSignIn>
      <Status />
    </RequireSignIn>
  );
}
