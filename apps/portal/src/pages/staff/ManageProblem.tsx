import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { amendDeadlines } from '../../../../../libs/problems/src/deadline-rules';
import { api, ApiError, serverNow, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage, EvaluatorScoresTable, PageTitle, QueryView, StatusBadge } from '../../components';
import { formatDateTime, formatMoney, formatNumber } from '../../format';
import { fromCityInput, ProposalBody, RequireRole, useProblem, useRules } from './shared';
import { DraftDocuments } from './ProblemDocuments';

type Problem = Schemas['ProblemView'];
const OPENED = new Set(['closed', 'evaluating', 'awarded', 'unsuccessful']);
const DECIDED = new Set(['awarded', 'unsuccessful']);

function useRefresh(problemId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes(problemId) || q.queryKey[0] === 'office' });
}

/** Publishing: the rule on the minimum open period said before the button, the API's sentence if refused. */
function Publish({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const rules = useRules();
  const refresh = useRefresh(problem.id);
  const publish = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/problems/{id}/publish', { params: { path: { id: problem.id } } })),
    onSuccess: refresh,
  });
  const daysLeft = Math.floor((new Date(problem.deadline).getTime() - serverNow()) / 86_400_000);
  return (
    <section aria-labelledby="publish-heading" className="boxed">
      <h2 id="publish-heading">{t('staff.manage.publish')}</h2>
      {rules.data && <p>{t('staff.manage.minOpen', { days: rules.data.problemMinOpenDays })}</p>}
      <p>{t('staff.manage.deadlineIs', { deadline: formatDateTime(problem.deadline), days: Math.max(0, daysLeft) })}</p>
      {rules.data && daysLeft < rules.data.problemMinOpenDays && <p className="error">{t('staff.manage.tooSoon')}</p>}
      <p className="actions">
        <Link to={`/problems/${problem.id}`}>{t('staff.manage.preview')}</Link>{' '}
        <Link to={`/office/problems/${problem.id}/edit`}>{t('staff.manage.edit')}</Link>
      </p>
      {publish.error && <ErrorMessage error={publish.error} />}
      <button
        type="button"
        disabled={publish.isPending}
        onClick={() => window.confirm(t('staff.manage.publishConfirm')) && publish.mutate()}
      >
        {t('staff.manage.publishButton')}
      </button>
    </section>
  );
}

function AnswerForm({ problemId, question }: { problemId: string; question: Schemas['QuestionView'] }) {
  const { t } = useTranslation();
  const refresh = useRefresh(problemId);
  const { register, handleSubmit, formState } = useForm<{ answer: string }>();
  const answer = useMutation({
    mutationFn: async (text: string) =>
      unwrap(
        await api.POST('/api/v1/problems/{id}/questions/{qid}/answer', {
          params: { path: { id: problemId, qid: question.id } },
          body: { answer: text },
        }),
      ),
    onSuccess: refresh,
  });
  const id = `answer-${question.id}`;
  return (
    <form onSubmit={(e) => void handleSubmit((v) => answer.mutate(v.answer.trim()))(e)} noValidate>
      <div className="field">
        <label htmlFor={id}>{t('staff.manage.answerLabel')}</label>
        <textarea
          id={id}
          rows={3}
          aria-invalid={!!formState.errors.answer}
          {...register('answer', { required: true, validate: (s) => s.trim().length > 0 })}
        />
        {formState.errors.answer && <span className="field-error">{t('staff.required')}</span>}
      </div>
      {answer.error && <ErrorMessage error={answer.error} />}
      <button type="submit" disabled={answer.isPending}>
        {t('staff.manage.answerButton')}
      </button>
    </form>
  );
}

/** Every question, the unanswered first, each with its answer form; answers are public, askers never named. */
function Questions({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const questions = useQuery({
    queryKey: ['problem', problemId, 'questions'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/problems/{id}/questions', { params: { path: { id: problemId }, query: { limit: 100 } } })),
  });
  return (
    <section aria-labelledby="questions-heading">
      <h2 id="questions-heading">{t('staff.manage.questions')}</h2>
      <QueryView query={questions}>
        {(list) => {
          const waiting = list.items.filter((q) => q.answer === null);
          return list.items.length === 0 ? (
            <p className="muted">{t('problem.noQuestions')}</p>
          ) : (
            <>
              <p>{t('staff.manage.waiting', { count: waiting.length })}</p>
              <ul className="qa">
                {[...waiting, ...list.items.filter((q) => q.answer !== null)].map((q) => (
                  <li key={q.id}>
                    <p>
                      <strong>{t('problem.question')}:</strong> {q.question}{' '}
                      <span className="muted">({formatDateTime(q.askedAt)})</span>
                    </p>
                    {q.answer === null ? (
                      <AnswerForm problemId={problemId} question={q} />
                    ) : (
                      <p>
                        <strong>{t('problem.answer')}:</strong> {q.answer}
                      </p>
                    )}
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </QueryView>
    </section>
  );
}

type AmendFields = { reason: string; deadline: string; summary: string; description: string };

/** An amendment: what changes and why; the deadline it will leave is shown before the officer confirms. */
function Amend({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const rules = useRules();
  const refresh = useRefresh(problem.id);
  const [pending, setPending] = useState<AmendFields | null>(null);
  const { register, handleSubmit, formState, reset } = useForm<AmendFields>({
    defaultValues: { reason: '', deadline: '', summary: problem.summary, description: problem.description },
  });
  const amend = useMutation({
    mutationFn: async (v: AmendFields) => {
      const changes: Schemas['AmendProblemChangesDto'] = {};
      if (v.deadline) changes.deadline = fromCityInput(v.deadline);
      if (v.summary.trim() !== problem.summary) changes.summary = v.summary.trim();
      if (v.description.trim() !== problem.description) changes.description = v.description.trim();
      return unwrap(
        await api.POST('/api/v1/problems/{id}/amendments', {
          params: { path: { id: problem.id } },
          body: { reason: v.reason.trim(), changes },
        }),
      );
    },
    onSuccess: async () => {
      setPending(null);
      reset();
      await refresh();
    },
  });
  const resulting =
    pending && rules.data
      ? amendDeadlines({
          now: new Date(serverNow()),
          deadline: new Date(problem.deadline),
          clarificationDeadline: new Date(problem.clarificationDeadline),
          requestedDeadline: pending.deadline ? new Date(fromCityInput(pending.deadline)) : undefined,
          minRemainingDays: rules.data.amendmentMinRemainingDays,
        })
      : null;
  return (
    <section aria-labelledby="amend-heading">
      <h2 id="amend-heading">{t('staff.manage.amend')}</h2>
      {rules.data && <p className="muted">{t('staff.manage.amendRule', { days: rules.data.amendmentMinRemainingDays })}</p>}
      <form onSubmit={(e) => void handleSubmit((v) => setPending(v))(e)} noValidate>
        <div className="field">
          <label htmlFor="amend-summary">{t('staff.editor.fields.summary')}</label>
          <textarea id="amend-summary" rows={2} {...register('summary', { required: true })} />
        </div>
        <div className="field">
          <label htmlFor="amend-description">{t('staff.editor.fields.description')}</label>
          <textarea id="amend-description" rows={4} {...register('description', { required: true })} />
        </div>
        <div className="field">
          <label htmlFor="amend-deadline">{t('staff.manage.newDeadline')}</label>
          <input id="amend-deadline" type="datetime-local" {...register('deadline')} />
        </div>
        <div className="field">
          <label htmlFor="amend-reason">{t('staff.manage.amendReason')}</label>
          <textarea
            id="amend-reason"
            rows={2}
            aria-invalid={!!formState.errors.reason}
            {...register('reason', { required: true, minLength: 3 })}
          />
          {formState.errors.reason && <span className="field-error">{t('staff.reasonRequired')}</span>}
        </div>
        <button type="submit" className="secondary">
          {t('staff.manage.amendReview')}
        </button>
      </form>
      {pending && resulting && (
        <div className="boxed" role="region" aria-label={t('staff.manage.amendCheck')}>
          <p>{t('staff.manage.amendResult', { deadline: formatDateTime(resulting.deadline.toISOString()) })}</p>
          {resulting.pushed && <p>{t('staff.manage.amendPushed', { days: rules.data?.amendmentMinRemainingDays })}</p>}
          {amend.error && <ErrorMessage error={amend.error} />}
          <button type="button" disabled={amend.isPending} onClick={() => amend.mutate(pending)}>
            {t('staff.manage.amendConfirm')}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setPending(null)}>
            {t('staff.cancel')}
          </button>
        </div>
      )}
      {amend.isSuccess && <p role="status">{t('staff.manage.amended')}</p>}
    </section>
  );
}

/** Firms whose sectors, tags and profile fit the problem; the officer invites a few with one click. */
function Suggestions({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string[]>([]);
  const suggestions = useQuery({
    queryKey: ['problem', problemId, 'suggested'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/problems/{id}/suggested-enterprises', { params: { path: { id: problemId } } })),
  });
  const queryClient = useQueryClient();
  const invite = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/problems/{id}/invitations', {
          params: { path: { id: problemId } },
          body: { enterpriseIds: chosen },
        }),
      ),
    onSuccess: async () => {
      setChosen([]);
      await queryClient.invalidateQueries({ queryKey: ['problem', problemId, 'suggested'] });
    },
  });
  return (
    <section aria-labelledby="suggested-heading">
      <h2 id="suggested-heading">{t('staff.manage.suggested')}</h2>
      <QueryView query={suggestions}>
        {(list) =>
          list.items.length === 0 ? (
            <p className="muted">{t('staff.manage.noSuggested')}</p>
          ) : (
            <>
              <ul className="checks">
                {list.items.map((s) => (
                  <li key={s.enterpriseId}>
                    <label>
                      <input
                        type="checkbox"
                        disabled={s.invited}
                        checked={s.invited || chosen.includes(s.enterpriseId)}
                        onChange={(e) =>
                          setChosen((c) => (e.target.checked ? [...c, s.enterpriseId] : c.filter((x) => x !== s.enterpriseId)))
                        }
                      />{' '}
                      <Link to={`/enterprises/${s.enterpriseId}`}>{s.legalName}</Link> —{' '}
                      {s.sectors.map((x) => t(`sectors.${x}`)).join(', ')}
                      {s.invited && ` (${t('staff.manage.invited')})`}
                      {s.completedOrders > 0 && (
                        <span className="muted">
                          {' · '}
                          {t('staff.manage.trackRecord', {
                            completed: s.completedOrders,
                            solved: s.solvedOrders,
                            onTime: s.onTimeRate === null ? '—' : `${formatNumber(s.onTimeRate * 100)}%`,
                          })}
                        </span>
                      )}
                    </label>
                  </li>
                ))}
              </ul>
              {invite.error && <ErrorMessage error={invite.error} />}
              {invite.data && <p role="status">{t('staff.manage.invitedCount', { count: invite.data.invited.length })}</p>}
              <button type="button" disabled={chosen.length === 0 || invite.isPending} onClick={() => invite.mutate()}>
                {t('staff.manage.invite')}
              </button>
            </>
          )
        }
      </QueryView>
    </section>
  );
}

/** The panel: evaluators ticked, one chair; after the deadline a change needs a written reason. */
function Panel({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const refresh = useRefresh(problem.id);
  const panel = useQuery({
    queryKey: ['problem', problem.id, 'panel'],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/panel', { params: { path: { id: problem.id } } })),
  });
  const evaluators = useQuery({
    queryKey: ['evaluators'],
    queryFn: async () => unwrap(await api.GET('/api/v1/evaluators', { params: { query: { limit: 100 } } })),
  });
  const [members, setMembers] = useState<string[] | null>(null);
  const [chair, setChair] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const afterDeadline = problem.status !== 'draft' && problem.status !== 'published';
  const current = panel.data?.members ?? [];
  const picked = members ?? current.map((m) => m.userId);
  const chairId = chair ?? current.find((m) => m.chair)?.userId ?? null;
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PUT('/api/v1/problems/{id}/panel', {
          params: { path: { id: problem.id } },
          body: {
            members: picked.map((userId) => ({ userId, chair: userId === chairId })),
            ...(afterDeadline && reason.trim() ? { reason: reason.trim() } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      setMembers(null);
      setChair(null);
      setReason('');
      await refresh();
    },
  });
  if (DECIDED.has(problem.status) || problem.status === 'cancelled') {
    return (
      <section aria-labelledby="panel-heading">
        <h2 id="panel-heading">{t('staff.manage.panel')}</h2>
        <QueryView query={panel}>
          {(p) => <p>{p.members.map((m) => m.fullName + (m.chair ? ` (${t('staff.manage.chair')})` : '')).join(', ')}</p>}
        </QueryView>
      </section>
    );
  }
  return (
    <section aria-labelledby="panel-heading">
      <h2 id="panel-heading">{t('staff.manage.panel')}</h2>
      <QueryView query={evaluators}>
        {(list) => (
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('staff.manage.panel')}>
            <table>
              <caption className="visually-hidden">{t('staff.manage.panel')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('staff.manage.member')}</th>
                  <th scope="col">{t('staff.manage.chair')}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <label>
                        <input
                          type="checkbox"
                          checked={picked.includes(e.id)}
                          onChange={(ev) => setMembers(ev.target.checked ? [...picked, e.id] : picked.filter((x) => x !== e.id))}
                        />{' '}
                        {e.fullName} <span className="muted">{e.email}</span>
                      </label>
                    </td>
                    <td>
                      <label>
                        <input
                          type="radio"
                          name="chair"
                          disabled={!picked.includes(e.id)}
                          checked={chairId === e.id}
                          onChange={() => setChair(e.id)}
                        />
                        <span className="visually-hidden">{t('staff.manage.chairOf', { name: e.fullName })}</span>
                      </label>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      {panel.data && panel.data.removed.length > 0 && (
        <p className="muted">
          {t('staff.manage.removed', {
            names: panel.data.removed.map((r) => `${r.fullName}${r.reason ? ` — ${r.reason}` : ''}`).join('; '),
          })}
        </p>
      )}
      {afterDeadline && (
        <div className="field">
          <label htmlFor="panel-reason">{t('staff.manage.panelReason')}</label>
          <textarea id="panel-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
      )}
      {save.error && <ErrorMessage error={save.error} />}
      {save.isSuccess && <p role="status">{t('staff.manage.panelSaved')}</p>}
      <button type="button" disabled={save.isPending || picked.length === 0} onClick={() => save.mutate()}>
        {t('staff.manage.panelSave')}
      </button>
    </section>
  );
}

/** Who has declared and submitted, per proposal and evaluator; never a score. */
function Progress({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const progress = useQuery({
    queryKey: ['problem', problemId, 'progress'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/problems/{id}/evaluation-progress', { params: { path: { id: problemId } } })),
  });
  return (
    <section aria-labelledby="progress-heading">
      <h2 id="progress-heading">{t('staff.manage.progress')}</h2>
      <QueryView query={progress}>
        {(p) => (
          <>
            {p.proposals.map((pp) => (
              <div key={pp.proposalId} className="table-scroll" tabIndex={0} role="region" aria-label={pp.enterprise.name}>
                <table>
                  <caption>
                    {pp.enterprise.name} — {t('staff.manage.submittedOf', { submitted: pp.submitted, eligible: pp.eligible })}
                    {pp.needsEvaluator && (
                      <strong className="error"> {t('staff.manage.needsEvaluator', { min: p.minPanel })}</strong>
                    )}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('staff.manage.member')}</th>
                      <th scope="col">{t('staff.manage.declaration')}</th>
                      <th scope="col">{t('staff.manage.scores')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {pp.evaluators.map((e) => (
                      <tr key={e.evaluatorId}>
                        <td>{e.fullName}</td>
                        <td>
                          {!e.declared
                            ? t('staff.manage.notDeclared')
                            : e.conflict
                              ? t('staff.manage.conflict')
                              : t('staff.manage.noConflict')}
                        </td>
                        <td>
                          {e.conflict
                            ? '—'
                            : e.submittedAt
                              ? t('staff.manage.submittedAt', { at: formatDateTime(e.submittedAt) })
                              : t('staff.manage.notSubmitted')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </>
        )}
      </QueryView>
    </section>
  );
}

/** The opened proposals, each readable in full with its attachments. */
function OpenedProposals({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['problem', problemId, 'proposals'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/problems/{id}/proposals', { params: { path: { id: problemId }, query: { limit: 100 } } })),
  });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="proposals-heading">
      <h2 id="proposals-heading">{t('staff.manage.proposals')}</h2>
      <QueryView query={list}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t('staff.manage.noProposals')}</p>
          ) : (
            <ul className="cards">
              {page.items.map((p) => (
                <li key={p.id} className="card">
                  <h3>{p.enterprise.legalName}</h3>
                  <p className="muted">{t('staff.manage.submittedAt', { at: formatDateTime(p.submittedAt) })}</p>
                  <button
                    type="button"
                    className="secondary"
                    aria-expanded={open === p.id}
                    onClick={() => setOpen(open === p.id ? null : p.id)}
                  >
                    {open === p.id ? t('staff.hide') : t('staff.manage.read', { name: p.enterprise.legalName })}
                  </button>
                  {open === p.id && <ProposalBody proposalId={p.id} />}
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}

/** Per criterion, per evaluator: the breakdown behind one proposal's total. */
export function ScoreBreakdown({ proposalId }: { proposalId: string }) {
  const { t } = useTranslation();
  const scores = useQuery({
    queryKey: ['scores', proposalId],
    queryFn: async () => unwrap(await api.GET('/api/v1/proposals/{id}/scores', { params: { path: { id: proposalId } } })),
  });
  return (
    <QueryView query={scores}>
      {(s) => (
        <>
          {s.evaluations.map((e) => (
            <EvaluatorScoresTable
              key={e.evaluatorId}
              caption={`${e.fullName} — ${t('proposal.total', { total: formatNumber(e.weightedTotal, 2) })}`}
              scores={e.scores}
            />
          ))}
        </>
      )}
    </QueryView>
  );
}

type DecideFields = { proposalId: string; justification: string };

/** Closing without a winner, with the reason bidders and the public will read. */
function Unsuccessful({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const refresh = useRefresh(problemId);
  const { register, handleSubmit, formState } = useForm<{ reason: string }>();
  const unsuccessful = useMutation({
    mutationFn: async (reason: string) =>
      unwrap(await api.POST('/api/v1/problems/{id}/unsuccessful', { params: { path: { id: problemId } }, body: { reason } })),
    onSuccess: refresh,
  });
  return (
    <form
      className="boxed"
      onSubmit={(e) =>
        void handleSubmit((v) => window.confirm(t('staff.manage.unsuccessfulConfirm')) && unsuccessful.mutate(v.reason.trim()))(e)
      }
      noValidate
    >
      <div className="field">
        <label htmlFor="unsuccessful-reason">{t('staff.manage.unsuccessfulReason')}</label>
        <textarea
          id="unsuccessful-reason"
          rows={2}
          aria-invalid={!!formState.errors.reason}
          {...register('reason', { validate: (s) => s.trim().length >= 3 })}
        />
        {formState.errors.reason && <span className="field-error">{t('staff.reasonRequired')}</span>}
      </div>
      {unsuccessful.error && <ErrorMessage error={unsuccessful.error} />}
      <button type="submit" className="secondary" disabled={unsuccessful.isPending}>
        {t('staff.manage.unsuccessfulButton')}
      </button>
    </form>
  );
}

/** The ranking with each evaluator's total, disagreement flags, and the decision: award or unsuccessful. */
function Ranking({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const refresh = useRefresh(problem.id);
  const ranking = useQuery({
    queryKey: ['problem', problem.id, 'ranking'],
    retry: false,
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/ranking', { params: { path: { id: problem.id } } })),
  });
  const [details, setDetails] = useState<string | null>(null);
  const { register, handleSubmit, watch, formState } = useForm<DecideFields>({
    defaultValues: { proposalId: '', justification: '' },
  });
  const award = useMutation({
    mutationFn: async (v: DecideFields) =>
      unwrap(
        await api.POST('/api/v1/problems/{id}/award', {
          params: { path: { id: problem.id } },
          body: { proposalId: v.proposalId, ...(v.justification.trim() ? { justification: v.justification.trim() } : {}) },
        }),
      ),
    onSuccess: refresh,
  });
  const decided = DECIDED.has(problem.status);
  const chosen = watch('proposalId');
  return (
    <section aria-labelledby="ranking-heading">
      <h2 id="ranking-heading">{t('staff.manage.ranking')}</h2>
      {ranking.error instanceof ApiError && ranking.error.code === 'SCORING_INCOMPLETE' ? (
        <p className="muted">{t('staff.manage.rankingPending')}</p>
      ) : (
        <QueryView query={ranking}>
          {(r) => {
            const top = r.items.find((i) => i.rank === 1);
            const needsJustification = !!chosen && !!top && chosen !== top.proposalId;
            return (
              <>
                <p className="muted">
                  {t('staff.manage.rankingHelp', { passMark: r.passMark, threshold: r.disagreementThreshold })}
                </p>
                <div className="table-scroll" tabIndex={0} role="region" aria-label={t('staff.manage.ranking')}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('staff.manage.rank')}</th>
                        <th scope="col">{t('staff.manage.firm')}</th>
                        <th scope="col">{t('proposal.price')}</th>
                        <th scope="col">{t('staff.manage.totals')}</th>
                        <th scope="col" className="num">
                          {t('staff.manage.final')}
                        </th>
                        <th scope="col">{t('staff.manage.flags')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.items.map((i) => (
                        <tr key={i.proposalId}>
                          <td>{i.rank ?? '—'}</td>
                          <td>
                            {i.enterprise.name}
                            <br />
                            <button
                              type="button"
                              className="link-button"
                              aria-expanded={details === i.proposalId}
                              onClick={() => setDetails(details === i.proposalId ? null : i.proposalId)}
                            >
                              {t('staff.manage.breakdown', { name: i.enterprise.name })}
                            </button>
                          </td>
                          <td>{formatMoney(i.price)}</td>
                          <td>{i.evaluators.map((e) => `${e.fullName}: ${formatNumber(e.total, 2)}`).join('; ')}</td>
                          <td className="num">{formatNumber(i.finalScore, 2)}</td>
                          <td>
                            {i.disagreement && !i.consensus && (
                              <strong className="error">
                                {t('staff.manage.disagreement', { spread: formatNumber(i.spread, 2) })}
                              </strong>
                            )}
                            {i.consensus &&
                              t('staff.manage.consensusRecorded', {
                                score: formatNumber(i.consensus.score, 2),
                                reason: i.consensus.reason,
                              })}
                            {!i.passed && ` ${t('staff.manage.belowPass')}`}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {details && <ScoreBreakdown proposalId={details} />}
                {!decided && (
                  <form
                    onSubmit={(e) =>
                      void handleSubmit((v) => window.confirm(t('staff.manage.awardConfirm')) && award.mutate(v))(e)
                    }
                    noValidate
                    className="boxed"
                  >
                    <fieldset>
                      <legend>{t('staff.manage.award')}</legend>
                      {r.items
                        .filter((i) => i.passed)
                        .map((i) => (
                          <label key={i.proposalId} className="check">
                            <input type="radio" value={i.proposalId} {...register('proposalId', { required: true })} />{' '}
                            {i.enterprise.name} ({formatNumber(i.finalScore, 2)})
                          </label>
                        ))}
                    </fieldset>
                    {needsJustification && (
                      <div className="field">
                        <label htmlFor="justification">{t('staff.manage.justification')}</label>
                        <textarea
                          id="justification"
                          rows={3}
                          aria-invalid={!!formState.errors.justification}
                          {...register('justification', { validate: (s) => !needsJustification || s.trim().length >= 3 })}
                        />
                        {formState.errors.justification && <span className="field-error">{t('staff.reasonRequired')}</span>}
                      </div>
                    )}
                    {award.error && <ErrorMessage error={award.error} />}
                    <button type="submit" disabled={award.isPending}>
                      {t('staff.manage.awardButton')}
                    </button>
                  </form>
                )}
              </>
            );
          }}
        </QueryView>
      )}
      {!decided && <Unsuccessful problemId={problem.id} />}
    </section>
  );
}

function ManageView() {
  const { t } = useTranslation();
  const id = useParams().id as string;
  const problem = useProblem(id);
  return (
    <QueryView query={problem}>
      {(p) => (
        <article>
          <p className="muted">
            <Link to="/office">{t('staff.office.title')}</Link> · <StatusBadge status={p.status} />
          </p>
          <PageTitle>{p.title}</PageTitle>
          <dl className="facts boxed">
            <div>
              <dt>{t('problem.deadline')}</dt>
              <dd>{formatDateTime(p.deadline)}</dd>
            </div>
            <div>
              <dt>{t('problem.budget')}</dt>
              <dd>{formatMoney(p.budgetCeiling)}</dd>
            </div>
            <div>
              <dt>{t('staff.manage.publicPage')}</dt>
              <dd>
                <Link to={`/problems/${p.id}`}>
                  {p.status === 'draft' ? t('staff.manage.preview') : t('staff.manage.publicLink')}
                </Link>
              </dd>
            </div>
          </dl>
          {p.status === 'draft' && <DraftDocuments problemId={p.id} />}
          {p.status === 'draft' && <Publish problem={p} />}
          {p.status === 'published' && (
            <>
              <Questions problemId={p.id} />
              <Amend problem={p} />
              <Suggestions problemId={p.id} />
            </>
          )}
          {p.status !== 'cancelled' && <Panel problem={p} />}
          {OPENED.has(p.status) && (
            <>
              <Progress problemId={p.id} />
              <OpenedProposals problemId={p.id} />
              <Ranking problem={p} />
            </>
          )}
          {DECIDED.has(p.status) && (
            <p className="boxed">
              <Link to={`/problems/${p.id}`}>{t('staff.manage.resultLink')}</Link>
            </p>
          )}
        </article>
      )}
    </QueryView>
  );
}

export default function ManageProblem() {
  return (
    <RequireRole roles={['officer', 'admin']}>
      <ManageView />
    </RequireRole>
  );
}
