import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage, EvaluatorScoresTable, PageTitle, QueryView } from '../components';
import { formatDateTime, formatMoney, formatNumber } from '../format';
import { RequireSignIn } from '../RequireSignIn';

/** The firm's own proposal: what it sent, each version's receipt, and after the decision its debrief. */
function ProposalView() {
  const { t } = useTranslation();
  const id = useParams().id as string;
  const proposal = useQuery({
    queryKey: ['proposal', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/proposals/{id}', { params: { path: { id } } })),
  });
  const queryClient = useQueryClient();
  const withdraw = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/proposals/{id}/withdraw', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['proposal', id] }),
  });
  // After an amendment the firm keeps its bid as it is: recorded with a receipt, before the deadline.
  const confirm = useMutation({
    mutationFn: async (amendmentNumber: number) =>
      unwrap(await api.POST('/api/v1/proposals/{id}/confirm', { params: { path: { id } }, body: { amendmentNumber } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['proposal', id] }),
  });
  return (
    <QueryView query={proposal}>
      {(p) => (
        <article>
          <p className="muted">
            <Link to={`/problems/${p.problemId}`}>{p.problemTitle}</Link>
          </p>
          <PageTitle>{t('proposal.title', { firm: p.enterprise.legalName })}</PageTitle>
          <dl className="facts boxed">
            <div>
              <dt>{t('proposal.status')}</dt>
              <dd>{t(`proposalStatus.${p.status}`, { defaultValue: p.status })}</dd>
            </div>
            <div>
              <dt>{t('proposal.version')}</dt>
              <dd>{p.version}</dd>
            </div>
            <div>
              <dt>{t('proposal.price')}</dt>
              <dd>{formatMoney(p.content.price)}</dd>
            </div>
            <div>
              <dt>{t('problem.duration')}</dt>
              <dd>{t('problem.months', { count: p.content.durationMonths })}</dd>
            </div>
          </dl>
          {p.needsConfirmation && p.status === 'submitted' && (
            <div className="boxed no-print">
              <p className="error">{t('proposal.needsConfirmation')}</p>
              <button type="button" disabled={confirm.isPending} onClick={() => confirm.mutate(p.latestAmendment)}>
                {t('proposal.confirm', { number: p.latestAmendment })}
              </button>
            </div>
          )}
          {confirm.data && (
            <p role="status">
              {t('proposal.confirmed', { number: confirm.data.amendmentNumber, at: formatDateTime(confirm.data.confirmedAt) })}{' '}
              <span className="hash">{confirm.data.sha256}</span>
            </p>
          )}
          {confirm.error && <ErrorMessage error={confirm.error} />}
          {p.status === 'submitted' && (
            <p className="actions no-print">
              <Link className="button" to={`/proposals/${p.id}/revise`}>
                {t('proposal.revise')}
              </Link>{' '}
              <button
                type="button"
                className="secondary"
                disabled={withdraw.isPending}
                onClick={() => window.confirm(t('proposal.withdrawConfirm')) && withdraw.mutate()}
              >
                {t('proposal.withdraw')}
              </button>
            </p>
          )}
          {withdraw.error && <ErrorMessage error={withdraw.error} />}

          {p.evaluation && (
            <section aria-labelledby="debrief-heading" className="result">
              <h2 id="debrief-heading">{t('proposal.debrief')}</h2>
              <p>
                {t('proposal.finalScore', {
                  score: formatNumber(p.evaluation.finalScore, 2),
                  passMark: p.evaluation.passMark,
                })}{' '}
                {p.evaluation.rank != null && t('proposal.rank', { rank: p.evaluation.rank, of: p.evaluation.rankedCount })}
              </p>
              {p.evaluation.consensus && (
                <p>
                  {t('proposal.consensus', {
                    score: formatNumber(p.evaluation.consensus.score, 2),
                    reason: p.evaluation.consensus.reason,
                  })}
                </p>
              )}
              {p.evaluation.evaluators.map((e) => (
                <EvaluatorScoresTable
                  key={e.label}
                  caption={`${e.label} — ${t('proposal.total', { total: formatNumber(e.total, 2) })}`}
                  scores={e.scores}
                />
              ))}
            </section>
          )}

          <section aria-labelledby="receipts-heading">
            <h2 id="receipts-heading">{t('proposal.receipts')}</h2>
            <p className="muted">{t('proposal.receiptsText')}</p>
            <table className="receipt">
              <thead>
                <tr>
                  <th scope="col">{t('proposal.version')}</th>
                  <th scope="col">{t('proposal.submittedAt')}</th>
                  <th scope="col">{t('proposal.madeAgainst')}</th>
                  <th scope="col">{t('proposal.sha256')}</th>
                </tr>
              </thead>
              <tbody>
                {p.receipts.map((r) => (
                  <tr key={r.version}>
                    <td>{r.version}</td>
                    <td>{formatDateTime(r.submittedAt)}</td>
                    <td>
                      {r.amendmentNumber === 0
                        ? t('proposal.asPublished')
                        : t('proposal.amendmentN', { number: r.amendmentNumber })}
                    </td>
                    <td className="hash">{r.sha256}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              {t('proposal.id')}: <span className="hash">{p.id}</span>
            </p>
            <button type="button" className="no-print" onClick={() => window.print()}>
              {t('proposal.print')}
            </button>
          </section>

          <section aria-labelledby="content-heading">
            <h2 id="content-heading">{t('proposal.content')}</h2>
            {(['approach', 'solution', 'plan', 'team'] as const).map((k) => (
              <div key={k}>
                <h3>{t(`proposal.fields.${k}`)}</h3>
                <p className="prose">{p.content[k]}</p>
              </div>
            ))}
          </section>
        </article>
      )}
    </QueryView>
  );
}

export default function Proposal() {
  return (
    <RequireSignIn>
      <ProposalView />
    </RequireSignIn>
  );
}
