import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage, PageTitle, QueryView, StatusBadge } from '../../components';
import { formatDateTime, formatNumber } from '../../format';
import { ProposalBody, RequireRole, useProblem } from './shared';

type Rubric = Schemas['Rubric'];
type Entry = { score: string; comment: string };
const AUTOSAVE_MS = 1200;

/** "7,5" or "7.5" → 7.5; anything outside 0–10 with at most two decimals → null. */
function parseScore(text: string): number | null {
  const s = text.trim().replace(',', '.');
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(s)) return null;
  const n = Number(s);
  return n >= 0 && n <= 10 ? n : null;
}

/** Before anything opens: a declaration per bidding firm (names only); a conflict is final. */
function Declarations({ problemId, bidders }: { problemId: string; bidders: Schemas['BidderView'][] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const pending = bidders.filter((b) => !b.declaration);
  const [choices, setChoices] = useState<Record<string, { conflict?: boolean; note: string }>>({});
  const declare = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/problems/{id}/conflict-declarations', {
          params: { path: { id: problemId } },
          body: {
            declarations: pending.map((b) => ({
              enterpriseId: b.enterpriseId,
              conflict: choices[b.enterpriseId]?.conflict === true,
              ...(choices[b.enterpriseId]?.note.trim() ? { note: choices[b.enterpriseId].note.trim() } : {}),
            })),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['evaluation', problemId] }),
  });
  const complete = pending.every((b) => choices[b.enterpriseId]?.conflict !== undefined);
  return (
    <section aria-labelledby="coi-heading" className="boxed">
      <h2 id="coi-heading">{t('staff.task.coi')}</h2>
      <p>{t('staff.task.coiText')}</p>
      {bidders
        .filter((b) => b.declaration)
        .map((b) => (
          <p key={b.enterpriseId}>
            {b.name}: {b.declaration?.conflict ? t('staff.manage.conflict') : t('staff.manage.noConflict')}
          </p>
        ))}
      {pending.map((b) => (
        <fieldset key={b.enterpriseId}>
          <legend>{b.name}</legend>
          <label className="check">
            <input
              type="radio"
              name={`coi-${b.enterpriseId}`}
              checked={choices[b.enterpriseId]?.conflict === false}
              onChange={() =>
                setChoices((c) => ({ ...c, [b.enterpriseId]: { note: c[b.enterpriseId]?.note ?? '', conflict: false } }))
              }
            />{' '}
            {t('staff.task.noConflictWith', { name: b.name })}
          </label>
          <label className="check">
            <input
              type="radio"
              name={`coi-${b.enterpriseId}`}
              checked={choices[b.enterpriseId]?.conflict === true}
              onChange={() =>
                setChoices((c) => ({ ...c, [b.enterpriseId]: { note: c[b.enterpriseId]?.note ?? '', conflict: true } }))
              }
            />{' '}
            {t('staff.task.conflictWith', { name: b.name })}
          </label>
          {choices[b.enterpriseId]?.conflict && (
            <div className="field">
              <label htmlFor={`note-${b.enterpriseId}`}>{t('staff.task.conflictNote')}</label>
              <input
                id={`note-${b.enterpriseId}`}
                value={choices[b.enterpriseId]?.note ?? ''}
                onChange={(e) => setChoices((c) => ({ ...c, [b.enterpriseId]: { conflict: true, note: e.target.value } }))}
              />
            </div>
          )}
        </fieldset>
      ))}
      {declare.error && <ErrorMessage error={declare.error} />}
      <button
        type="button"
        disabled={!complete || declare.isPending}
        onClick={() => window.confirm(t('staff.task.coiConfirm')) && declare.mutate()}
      >
        {t('staff.task.coiSubmit')}
      </button>
    </section>
  );
}

/** The proposal beside the rubric: 0–10 and a comment per criterion, saved as a draft while typing. */
function ScoringSheet({ proposal, rubric }: { proposal: Schemas['ProposalSummary']; rubric: Rubric }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const scores = useQuery({
    queryKey: ['scores', proposal.id],
    queryFn: async () => unwrap(await api.GET('/api/v1/proposals/{id}/scores', { params: { path: { id: proposal.id } } })),
  });
  const [entries, setEntries] = useState<Record<string, Entry> | null>(null);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const mine = scores.data?.mine ?? null;
  const submitted = !!mine?.submittedAt;
  const values: Record<string, Entry> =
    entries ??
    Object.fromEntries(
      rubric.criteria.map((c) => {
        const s = mine?.scores.find((x) => x.criterion === c.key);
        return [c.key, { score: s ? String(s.score) : '', comment: s?.comment ?? '' }];
      }),
    );

  const body = (v: Record<string, Entry>) => ({
    scores: rubric.criteria
      .filter((c) => parseScore(v[c.key]?.score ?? '') !== null)
      .map((c) => ({
        criterion: c.key,
        score: parseScore(v[c.key].score) as number,
        ...(v[c.key].comment.trim() ? { comment: v[c.key].comment.trim() } : {}),
      })),
  });
  const save = useMutation({
    mutationFn: async (v: Record<string, Entry>) =>
      unwrap(await api.PUT('/api/v1/proposals/{id}/scores', { params: { path: { id: proposal.id } }, body: body(v) })),
    onSuccess: () => setSavedAt(new Date()),
  });
  const submit = useMutation({
    mutationFn: async () => {
      window.clearTimeout(timer.current);
      unwrap(await api.PUT('/api/v1/proposals/{id}/scores', { params: { path: { id: proposal.id } }, body: body(values) }));
      return unwrap(await api.POST('/api/v1/proposals/{id}/scores/submit', { params: { path: { id: proposal.id } } }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['scores', proposal.id] });
      await queryClient.invalidateQueries({ queryKey: ['evaluation'] });
    },
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const change = (key: string, patch: Partial<Entry>) => {
    const next = { ...values, [key]: { ...values[key], ...patch } };
    setEntries(next);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => save.mutate(next), AUTOSAVE_MS);
  };
  const allScored = rubric.criteria.every((c) => parseScore(values[c.key]?.score ?? '') !== null);
  const weighted = allScored
    ? rubric.criteria.reduce((sum, c) => sum + (parseScore(values[c.key].score) as number) * c.weight, 0) / 10
    : null;

  return (
    <section aria-labelledby={`sheet-${proposal.id}`} className="card">
      <h2 id={`sheet-${proposal.id}`}>{t('staff.task.sheet', { name: proposal.enterprise.legalName })}</h2>
      <div className="sheet">
        <div>
          <h3>{t('staff.task.proposal')}</h3>
          <ProposalBody proposalId={proposal.id} />
        </div>
        <div>
          <h3>{t('problem.rubric')}</h3>
          <QueryView query={scores}>
            {() => (
              <>
                {rubric.criteria.map((c) => {
                  const value = values[c.key] ?? { score: '', comment: '' };
                  const invalid = value.score.trim() !== '' && parseScore(value.score) === null;
                  const id = `${proposal.id}-${c.key}`;
                  return (
                    <fieldset key={c.key}>
                      <legend>{t('staff.task.criterion', { name: c.name, weight: c.weight })}</legend>
                      {c.description && <p className="muted">{c.description}</p>}
                      <div className="field">
                        <label htmlFor={`score-${id}`}>{t('staff.task.score', { name: c.name })}</label>
                        <input
                          id={`score-${id}`}
                          inputMode="decimal"
                          disabled={submitted}
                          aria-invalid={invalid}
                          value={value.score}
                          onChange={(e) => change(c.key, { score: e.target.value })}
                        />
                        {invalid && <span className="field-error">{t('staff.task.scoreInvalid')}</span>}
                      </div>
                      <div className="field">
                        <label htmlFor={`comment-${id}`}>{t('staff.task.comment', { name: c.name })}</label>
                        <textarea
                          id={`comment-${id}`}
                          rows={2}
                          disabled={submitted}
                          value={value.comment}
                          onChange={(e) => change(c.key, { comment: e.target.value })}
                        />
                      </div>
                    </fieldset>
                  );
                })}
                <p>{t('staff.task.weighted', { total: formatNumber(weighted ?? mine?.weightedTotal ?? null, 2) })}</p>
                <p role="status" className="muted">
                  {submitted
                    ? t('staff.task.submittedAt', { at: formatDateTime(mine?.submittedAt) })
                    : save.isPending
                      ? t('staff.task.saving')
                      : savedAt
                        ? t('staff.task.savedAt', { at: formatDateTime(savedAt.toISOString()) })
                        : t('staff.task.autosave')}
                </p>
                {save.error && <ErrorMessage error={save.error} />}
                {submit.error && <ErrorMessage error={submit.error} />}
                {!submitted && (
                  <button
                    type="button"
                    disabled={!allScored || submit.isPending}
                    onClick={() => window.confirm(t('staff.task.submitConfirm')) && submit.mutate()}
                  >
                    {t('staff.task.submit')}
                  </button>
                )}
              </>
            )}
          </QueryView>
        </div>
      </div>
      {submitted && scores.data && (
        <div>
          <h3>{t('staff.task.others')}</h3>
          {scores.data.evaluations.filter((e) => e.evaluatorId !== mine?.evaluatorId).length === 0 ? (
            <p className="muted">{t('staff.task.noOthers')}</p>
          ) : (
            <ul>
              {scores.data.evaluations
                .filter((e) => e.evaluatorId !== mine?.evaluatorId)
                .map((e) => (
                  <li key={e.evaluatorId}>
                    {e.submittedAt
                      ? t('staff.task.otherTotal', { name: e.fullName, total: formatNumber(e.weightedTotal, 2) })
                      : t('staff.task.otherPending', { name: e.fullName })}
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** The chair's consensus where the evaluators' totals are too far apart. */
function Consensus({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const ranking = useQuery({
    queryKey: ['evaluation', problemId, 'ranking'],
    retry: false,
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/ranking', { params: { path: { id: problemId } } })),
  });
  if (ranking.error || !ranking.data) return null;
  const flagged = ranking.data.items.filter((i) => i.disagreement);
  return (
    <section aria-labelledby="consensus-heading">
      <h2 id="consensus-heading">{t('staff.task.consensus')}</h2>
      {flagged.length === 0 ? (
        <p className="muted">{t('staff.task.noDisagreement')}</p>
      ) : (
        flagged.map((i) => (
          <ConsensusForm key={i.proposalId} problemId={problemId} item={i} threshold={ranking.data.disagreementThreshold} />
        ))
      )}
    </section>
  );
}

function ConsensusForm({ problemId, item, threshold }: { problemId: string; item: Schemas['RankingItem']; threshold: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { register, handleSubmit, formState } = useForm<{ score: string; reason: string }>({
    defaultValues: { score: item.consensus ? String(item.consensus.score) : '', reason: item.consensus?.reason ?? '' },
  });
  const record = useMutation({
    mutationFn: async (v: { score: string; reason: string }) =>
      unwrap(
        await api.POST('/api/v1/proposals/{id}/consensus', {
          params: { path: { id: item.proposalId } },
          body: { score: Number(v.score.replace(',', '.')), reason: v.reason.trim() },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['evaluation', problemId, 'ranking'] }),
  });
  const id = `consensus-${item.proposalId}`;
  return (
    <form className="boxed" onSubmit={(e) => void handleSubmit((v) => record.mutate(v))(e)} noValidate>
      <h3>{item.enterprise.name}</h3>
      <p>
        {t('staff.task.spread', {
          totals: item.evaluators.map((e) => `${e.fullName}: ${formatNumber(e.total, 2)}`).join('; '),
          spread: formatNumber(item.spread, 2),
          threshold,
        })}
      </p>
      {item.consensus && (
        <p role="status">
          {t('staff.manage.consensusRecorded', { score: formatNumber(item.consensus.score, 2), reason: item.consensus.reason })}
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-score`}>{t('staff.task.consensusScore')}</label>
        <input
          id={`${id}-score`}
          inputMode="decimal"
          aria-invalid={!!formState.errors.score}
          {...register('score', {
            validate: (s) => /^\d{1,3}([.,]\d{1,2})?$/.test(s.trim()) && Number(s.replace(',', '.')) <= 100,
          })}
        />
        {formState.errors.score && <span className="field-error">{t('staff.task.consensusInvalid')}</span>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t('staff.task.consensusReason')}</label>
        <textarea
          id={`${id}-reason`}
          rows={2}
          aria-invalid={!!formState.errors.reason}
          {...register('reason', { validate: (s) => s.trim().length >= 3 })}
        />
        {formState.errors.reason && <span className="field-error">{t('staff.reasonRequired')}</span>}
      </div>
      {record.error && <ErrorMessage error={record.error} />}
      <button type="submit" disabled={record.isPending}>
        {t('staff.task.consensusSubmit')}
      </button>
    </form>
  );
}

function Opened({ problemId, rubric }: { problemId: string; rubric: Rubric }) {
  const { t } = useTranslation();
  const bidders = useQuery({
    queryKey: ['evaluation', problemId, 'bidders'],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/bidders', { params: { path: { id: problemId } } })),
  });
  const declared = !!bidders.data && bidders.data.items.every((b) => b.declaration);
  const proposals = useQuery({
    queryKey: ['evaluation', problemId, 'proposals'],
    enabled: declared,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/problems/{id}/proposals', { params: { path: { id: problemId }, query: { limit: 100 } } })),
  });
  const panels = useQuery({
    queryKey: ['me', 'panels'],
    queryFn: async () => unwrap(await api.GET('/api/v1/me/panels', { params: { query: { limit: 100 } } })),
  });
  const chair = panels.data?.items.find((p) => p.problemId === problemId)?.chair ?? false;
  return (
    <QueryView query={bidders}>
      {(list) =>
        !declared ? (
          <Declarations problemId={problemId} bidders={list.items} />
        ) : (
          <>
            <p className="muted">
              {t('staff.task.declaredSummary', {
                conflicts:
                  list.items
                    .filter((b) => b.declaration?.conflict)
                    .map((b) => b.name)
                    .join(', ') || t('staff.task.none'),
              })}
            </p>
            <QueryView query={proposals}>
              {(page) =>
                page.items.length === 0 ? (
                  <p className="muted">{t('staff.task.nothingToScore')}</p>
                ) : (
                  <>
                    {page.items.map((p) => (
                      <ScoringSheet key={p.id} proposal={p} rubric={rubric} />
                    ))}
                  </>
                )
              }
            </QueryView>
            {chair && <Consensus problemId={problemId} />}
          </>
        )
      }
    </QueryView>
  );
}

/** The page the panel mails link to (/evaluation/:problemId): what this evaluator has to do on this problem. */
function TaskView() {
  const { t } = useTranslation();
  const problemId = useParams().problemId as string;
  const problem = useProblem(problemId);
  return (
    <QueryView query={problem}>
      {(p) => (
        <article>
          <p className="muted">
            <Link to="/evaluation">{t('staff.panels.title')}</Link> · <StatusBadge status={p.status} />
          </p>
          <PageTitle>{p.title}</PageTitle>
          {p.status === 'published' ? (
            <>
              <p className="boxed">{t('staff.task.sealed', { deadline: formatDateTime(p.deadline) })}</p>
              <h2>{t('problem.rubric')}</h2>
              <ul>
                {p.rubric.criteria.map((c) => (
                  <li key={c.key}>{t('staff.task.criterion', { name: c.name, weight: c.weight })}</li>
                ))}
              </ul>
              <p>
                <Link to={`/problems/${p.id}`}>{t('staff.task.readProblem')}</Link>
              </p>
            </>
          ) : (
            <Opened problemId={p.id} rubric={p.rubric} />
          )}
        </article>
      )}
    </QueryView>
  );
}

export default function EvaluationTask() {
  return (
    <RequireRole roles={['evaluator']}>
      <TaskView />
    </RequireRole>
  );
}
