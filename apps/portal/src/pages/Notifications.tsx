import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, PageTitle, QueryView } from '../components';
import { formatDateTime } from '../format';
import { RequireSignIn } from '../RequireSignIn';

/** Where a notification points in the portal, from the ids it carries. */
function linkOf(n: Schemas['NotificationView']): string | null {
  const data = n.data as Record<string, unknown>;
  if (typeof data.proposalId === 'string') return `/proposals/${data.proposalId}`;
  if (typeof data.problemId === 'string') return `/problems/${data.problemId}`;
  if (typeof data.enterpriseId === 'string') return `/enterprises/${data.enterpriseId}/status`;
  return null;
}

export const NOTIFICATIONS_KEY = ['notifications'];

function NotificationList() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: NOTIFICATIONS_KEY,
    queryFn: async () => unwrap(await api.GET('/api/v1/me/notifications', { params: { query: { limit: 50 } } })),
  });
  const readOne = useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST('/api/v1/me/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
  const readAll = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/me/notifications/read-all')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
  return (
    <>
      <PageTitle>{t('notifications.title')}</PageTitle>
      <QueryView query={list}>
        {(page) => (
          <>
            <p>
              {t('notifications.unread', { count: page.unreadCount })}{' '}
              {page.unreadCount > 0 && (
                <button type="button" onClick={() => readAll.mutate()} disabled={readAll.isPending}>
                  {t('notifications.readAll')}
                </button>
              )}
            </p>
            {readAll.error && <ErrorMessage error={readAll.error} />}
            {page.items.length === 0 ? (
              <p className="muted">{t('notifications.none')}</p>
            ) : (
              <ul className="cards">
                {page.items.map((n) => {
                  const to = linkOf(n);
                  return (
                    <li key={n.id} className={`card${n.readAt ? '' : ' unread'}`}>
                      <h2 className="h3">
                        {!n.readAt && <span className="visually-hidden">{t('notifications.new')}: </span>}
                        {to ? <Link to={to}>{n.title}</Link> : n.title}
                      </h2>
                      <p className="prose">{n.body}</p>
                      <p className="muted">
                        {formatDateTime(n.createdAt)}{' '}
                        {!n.readAt && (
                          <button type="button" className="secondary" onClick={() => readOne.mutate(n.id)}>
                            {t('notifications.markRead')}
                          </button>
                        )}
                      </p>
                    </li>
                  );
                })}
              </ul>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}

export default function Notifications() {
  return (
    <RequireSignIn>
      <NotificationList />
    </RequireSignIn>
  );
}
