import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, PageTitle, QueryView } from '../components';
import { formatDateTime } from '../format';
import { RequireSignIn } from '../RequireSignIn';

type Complaint = Schemas['ComplaintView'];

/** One pending complaint: its grounds, the department's answer, and the reviewing body's decision. */
function Decide({ complaint }: { complaint: Complaint }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [remedy, setRemedy] = useState<'reevaluate' | 'cancel_award'>('reevaluate');
  const path = { params: { path: { id: complaint.id } } };
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: ['complaints', 'review'] });
  const dismiss = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/complaints/{id}/dismiss', { ...path, body: { reason } })),
    onSuccess,
  });
  const uphold = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/complaints/{id}/uphold', { ...path, body: { reason, remedy } })),
    onSuccess,
  });
  const id = `decision-${complaint.id}`;
  return (
    <form className="stack" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={id}>{t('complaints.reason')}</label>
      <textarea id={id} required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
      <label htmlFor={`${id}-remedy`}>{t('complaints.remedy')}</label>
      <select id={`${id}-remedy`} value={remedy} onChange={(e) => setRemedy(e.target.value as typeof remedy)}>
        <option value="reevaluate">{t('complaints.remedies.reevaluate')}</option>
        <option value="cancel_award">{t('complaints.remedies.cancel_award')}</option>
      </select>
      {(dismiss.error ?? uphold.error) && <ErrorMessage error={dismiss.error ?? uphold.error} />}
      <p className="actions">
        <button type="button" onClick={() => dismiss.mutate()} disabled={dismiss.isPending || reason.length < 3}>
          {t('complaints.dismiss')}
        </button>{' '}
        <button
          type="button"
          className="secondary"
          onClick={() => uphold.mutate()}
          disabled={uphold.isPending || reason.length < 3}
        >
          {t('complaints.uphold')}
        </button>
      </p>
    </form>
  );
}

function Queue() {
  const { t } = useTranslation();
  const queue = useQuery({
    queryKey: ['complaints', 'review'],
    queryFn: async () => unwrap(await api.GET('/api/v1/complaints', { params: { query: { limit: 100 } } })),
  });
  return (
    <>
      <PageTitle>{t('complaints.review')}</PageTitle>
      <QueryView query={queue}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t('complaints.none')}</p>
          ) : (
            <ul className="cards">
              {page.items.map((c) => (
                <li key={c.id}>
                  <article aria-labelledby={`c-${c.id}`}>
                    <h2 id={`c-${c.id}`}>
                      <Link to={`/problems/${c.problemId}`}>{c.problemTitle}</Link>
                    </h2>
                    <p className="muted">
                      {t('complaints.filedBy', { firm: c.enterprise.name, date: formatDateTime(c.submittedAt) })}
                    </p>
                    <h3>{t('complaints.grounds')}</h3>
                    <p className="prose">{c.grounds}</p>
                    <h3>{t('complaints.answer')}</h3>
                    <p className="prose">{c.answer ?? t('complaints.noAnswer')}</p>
                    <Decide complaint={c} />
                  </article>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </>
  );
}

export default function ComplaintReview() {
  return (
    <RequireSignIn>
      <Queue />
    </RequireSignIn>
  );
}
