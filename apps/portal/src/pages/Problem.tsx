import { lazy, Suspense } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { Countdown, ErrorMessage, PageTitle, QueryView, StatusBadge } from '../components';
import { useSession } from '../session';
import { formatDateTime, formatMoney, formatNumber } from '../format';
import { mayBid, MiniCompetitionNotice } from './MiniCompetitionNotice';

const ProblemOrder = lazy(() => import('./ProblemOrder'));

const DECIDED = new Set(['awarded', 'unsuccessful']);

/** Follow a problem: its amendments, answers and deadline reminders reach the firm. */
function FollowButton({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = ['problem-follow', problemId];
  const current = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/follow', { params: { path: { id: problemId } } })),
  });
  const follow = useMutation({
    mutationFn: async (on: boolean) =>
      on
        ? unwrap(await api.POST('/api/v1/problems/{id}/follow', { params: { path: { id: problemId } } }))
        : unwrap(await api.DELETE('/api/v1/problems/{id}/follow', { params: { path: { id: problemId } } })),
    onSuccess: (answer) => queryClient.setQueryData(key, answer),
  });
  const following = current.data?.following ?? false;
  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-pressed={following}
        disabled={follow.isPending || current.isPending}
        onClick={() => follow.mutate(!following)}
      >
        {following ? t('problem.following') : t('problem.follow')}
      </button>
      {follow.error && <ErrorMessage error={follow.error} />}
    </>
  );
}

/** The documents published with the problem (terms of reference, data samples, maps), to download. */
function Documents({ problemId, downloadable }: { problemId: string; downloadable: boolean }) {
  const { t } = useTranslation();
  const documents = useQuery({
    queryKey: ['problem-documents', problemId],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/documents', { params: { path: { id: problemId } } })),
  });
  if (!documents.data?.length) return null;
  return (
    <section aria-labelledby="documents-heading">
      <h2 id="documents-heading">{t('problem.documents')}</h2>
      <ul className="documents">
        {documents.data.map((d) => (
          <li key={d.id}>
            {downloadable ? (
              <a href={`/api/v1/problems/${problemId}/documents/${d.id}`} download={d.fileName}>
                {d.fileName}
              </a>
            ) : (
              d.fileName
            )}{' '}
            <span className="muted">
              ({t('problem.documentSize', { size: formatNumber(Math.max(1, Math.round(d.sizeBytes / 1024)), 0) })})
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A signed-in firm asks a public question (answered for everyone, asker not shown). */
function AskQuestion({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { register, handleSubmit, reset, formState } = useForm<{ question: string }>();
  const ask = useMutation({
    mutationFn: async (question: string) =>
      unwrap(await api.POST('/api/v1/problems/{id}/questions', { params: { path: { id: problemId } }, body: { question } })),
    onSuccess: async () => {
      reset();
      await queryClient.invalidateQueries({ queryKey: ['problem', problemId, 'questions'] });
    },
  });
  return (
    <form onSubmit={(e) => void handleSubmit((v) => ask.mutate(v.question.trim()))(e)} noValidate>
      <div className="field">
        <label htmlFor="question">{t('problem.ask')}</label>
        <textarea
          id="question"
          rows={3}
          aria-invalid={!!formState.errors.question}
          {...register('question', { required: true, minLength: 3, maxLength: 4000 })}
        />
        {formState.errors.question && <span className="field-error">{t('problem.askInvalid')}</span>}
      </div>
      {ask.error && <ErrorMessage error={ask.error} />}
      {ask.isSuccess && <p role="status">{t('problem.asked')}</p>}
      <button type="submit" disabled={ask.isPending}>
        {t('problem.askSubmit')}
      </button>
    </form>
  );
}

export default function Problem() {
  const { t } = useTranslation();
  const id = useParams().id as string;
  const { user } = useSession();
  const isFirm = user?.role === 'enterprise';
  const path = { params: { path: { id } } };
  const problem = useQuery({
    queryKey: ['problem', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}', path)),
  });
  const amendments = useQuery({
    queryKey: ['problem', id, 'amendments'],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/amendments', path)),
  });
  const questions = useQuery({
    queryKey: ['problem', id, 'questions'],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/questions', path)),
  });
  const decided = problem.data ? DECIDED.has(problem.data.status) : false;
  const result = useQuery({
    queryKey: ['problem', id, 'result'],
    enabled: decided,
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/result', path)),
  });

  return (
    <QueryView query={problem}>
      {(p) => (
        <article className="problem">
          <p className="muted">
            {p.departmentName} · {t(`sectors.${p.sector}`)} · <StatusBadge status={p.status} />
          </p>
          <PageTitle>{p.title}</PageTitle>
          <p className="lead">{p.summary}</p>
          <dl className="facts boxed">
            <div>
              <dt>{t('problem.budget')}</dt>
              <dd>{formatMoney(p.budgetCeiling)}</dd>
            </div>
            <div>
              <dt>{t('problem.duration')}</dt>
              <dd>{p.durationMonths == null ? '—' : t('problem.months', { count: p.durationMonths })}</dd>
            </div>
            <div>
              <dt>{t('problem.deadline')}</dt>
              <dd>
                {formatDateTime(p.deadline)}
                {p.status === 'published' && (
                  <>
                    <br />
                    <Countdown deadline={p.deadline} />
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>{t('problem.clarificationDeadline')}</dt>
              <dd>{formatDateTime(p.clarificationDeadline)}</dd>
            </div>
          </dl>
          {p.miniCompetition && <MiniCompetitionNotice mini={p.miniCompetition} firmId={isFirm ? user.organizationId : null} />}
          {isFirm && p.status === 'published' && (
            <p className="actions">
              {mayBid(p.miniCompetition, user.organizationId) && (
                <>
                  <Link className="button" to={`/problems/${p.id}/propose`}>
                    {t('problem.propose')}
                  </Link>{' '}
                </>
              )}
              <FollowButton problemId={p.id} />
            </p>
          )}

          {decided && (
            <section aria-labelledby="result-heading" className="result">
              <h2 id="result-heading">{t('problem.result')}</h2>
              <QueryView query={result}>
                {(r) => (
                  <>
                    <p>
                      {r.outcome === 'awarded' && r.winner
                        ? t('problem.awardedTo', {
                            name: r.winner.name,
                            price: formatMoney(r.price),
                            date: formatDateTime(r.decidedAt),
                          })
                        : t('problem.unsuccessful', { date: formatDateTime(r.decidedAt) })}
                    </p>
                    <p>{t('problem.proposalCount', { count: r.proposals })}</p>
                    {r.scoreSummary && (
                      <p>
                        {t('problem.scoreSummary', {
                          winner: formatNumber(r.scoreSummary.winnerScore, 2),
                          passMark: formatNumber(r.scoreSummary.passMark, 0),
                          min: formatNumber(r.scoreSummary.minScore, 2),
                          max: formatNumber(r.scoreSummary.maxScore, 2),
                        })}
                      </p>
                    )}
                    {(r.justification ?? r.reason) && <p>{r.justification ?? r.reason}</p>}
                  </>
                )}
              </QueryView>
            </section>
          )}
          {decided && (
            <Suspense fallback={null}>
              <ProblemOrder problemId={p.id} departmentId={p.departmentId} />
            </Suspense>
          )}

          <section aria-labelledby="bottleneck-heading">
            <h2 id="bottleneck-heading">{t('problem.bottleneck')}</h2>
            <p className="prose">{p.description}</p>
          </section>
          <section aria-labelledby="expected-heading">
            <h2 id="expected-heading">{t('problem.expectedResults')}</h2>
            <p className="prose">{p.expectedResults}</p>
            {p.kpis.length > 0 && (
              <table>
                <caption>{t('problem.kpis')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('problem.kpi')}</th>
                    <th scope="col">{t('problem.target')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.kpis.map((k) => (
                    <tr key={k.name}>
                      <td>{k.name}</td>
                      <td>{k.target}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {(p.dataAvailable || p.constraints) && (
            <section aria-labelledby="context-heading">
              <h2 id="context-heading">{t('problem.context')}</h2>
              {p.dataAvailable && (
                <p className="prose">
                  <strong>{t('problem.dataAvailable')}:</strong> {p.dataAvailable}
                </p>
              )}
              {p.constraints && (
                <p className="prose">
                  <strong>{t('problem.constraints')}:</strong> {p.constraints}
                </p>
              )}
            </section>
          )}
          <Documents problemId={p.id} downloadable={p.status !== 'draft'} />
          <section aria-labelledby="rubric-heading">
            <h2 id="rubric-heading">{t('problem.rubric')}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('problem.criterion')}</th>
                  <th scope="col" className="num">
                    {t('problem.weight')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.rubric.criteria.map((c) => (
                  <tr key={c.key}>
                    <td>
                      {c.name}
                      {c.description && <div className="muted">{c.description}</div>}
                    </td>
                    <td className="num">{formatNumber(c.weight)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>{t('problem.passMark', { mark: p.rubric.passMark })}</p>
          </section>

          <section aria-labelledby="amendments-heading">
            <h2 id="amendments-heading">{t('problem.amendments')}</h2>
            <QueryView query={amendments}>
              {(list) =>
                list.items.length === 0 ? (
                  <p className="muted">{t('problem.noAmendments')}</p>
                ) : (
                  <ol className="amendments">
                    {list.items.map((a) => (
                      <li key={a.id}>
                        <h3>{t('problem.amendmentNumber', { number: a.number, date: formatDateTime(a.createdAt) })}</h3>
                        <p>{a.reason}</p>
                        <p className="muted">
                          {t('problem.changed', {
                            fields: Object.keys(a.changes)
                              .map((f) => t(`problemFields.${f}`, { defaultValue: f }))
                              .join(', '),
                          })}
                          {a.previousDeadline !== a.newDeadline &&
                            ` · ${t('problem.deadlineMoved', { from: formatDateTime(a.previousDeadline), to: formatDateTime(a.newDeadline) })}`}
                        </p>
                      </li>
                    ))}
                  </ol>
                )
              }
            </QueryView>
          </section>

          <section aria-labelledby="qa-heading">
            <h2 id="qa-heading">{t('problem.questions')}</h2>
            <QueryView query={questions}>
              {(list) =>
                list.items.length === 0 ? (
                  <p className="muted">{t('problem.noQuestions')}</p>
                ) : (
                  <ul className="qa">
                    {list.items.map((q) => (
                      <li key={q.id}>
                        <p>
                          <strong>{t('problem.question')}:</strong> {q.question}{' '}
                          <span className="muted">({formatDateTime(q.askedAt)})</span>
                        </p>
                        <p>
                          <strong>{t('problem.answer')}:</strong>{' '}
                          {q.answer ?? <span className="muted">{t('problem.notAnswered')}</span>}
                        </p>
                      </li>
                    ))}
                  </ul>
                )
              }
            </QueryView>
            {isFirm && p.status === 'published' && <AskQuestion problemId={p.id} />}
          </section>
          {p.contact && (
            <section aria-labelledby="contact-heading">
              <h2 id="contact-heading">{t('problem.contact')}</h2>
              <p>
                {p.contact.name}
                {p.contact.email && (
                  <>
                    {' · '}
                    <a href={`mailto:${p.contact.email}`}>{p.contact.email}</a>
                  </>
                )}
                {p.contact.phone && ` · ${p.contact.phone}`}
              </p>
            </section>
          )}
        </article>
      )}
    </QueryView>
  );
}
