import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, serverNow, type Schemas } from './api/client';
import { SECTORS } from './enums';
import { formatDateTime, formatMoney, formatNumber, timeLeft } from './format';

/** An API failure as a sentence in the chosen language (the API writes it; the code never changes). */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const text = error instanceof ApiError ? error.message : t('errors.network');
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

/**
 * One labelled text area of a form: the label names it, and a hint, when given, is tied to it for
 * screen readers. Required with at least `minLength` characters unless told otherwise.
 */
export function TextAreaField({
  id,
  label,
  value,
  onChange,
  minLength = 3,
  rows,
  help,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  minLength?: number;
  rows?: number;
  help?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        required
        minLength={minLength}
        rows={rows}
        aria-describedby={help ? `${id}-help` : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {help && (
        <span id={`${id}-help`} className="muted">
          {help}
        </span>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

/** Renders the query's data, or its loading / error state. */
export function QueryView<T>({
  query,
  children,
}: {
  query: { data?: T; error: unknown; isPending: boolean };
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorMessage error={query.error} />;
  if (query.isPending || query.data === undefined) return <Loading />;
  return <>{children(query.data)}</>;
}

export function StatusBadge({ status }: { status: Schemas['ProblemSummary']['status'] }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`}>{t(`problemStatus.${status}`)}</span>;
}

/** Time left before a deadline, by the server's clock, refreshed every 30 s. */
export function Countdown({ deadline }: { deadline: string }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(serverNow()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const left = timeLeft(deadline, now);
  return <span className="countdown">{left ? t('problem.timeLeft', left) : t('problem.deadlinePassed')}</span>;
}

export function ProblemCard({ problem, children }: { problem: Schemas['ProblemSummary']; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <li className="card">
      <h3>
        <Link to={`/problems/${problem.id}`}>{problem.title}</Link>
      </h3>
      <p className="muted">
        {problem.departmentName} · {t(`sectors.${problem.sector}`)} · <StatusBadge status={problem.status} />
      </p>
      <p>{problem.summary}</p>
      <dl className="facts">
        <div>
          <dt>{t('problem.budget')}</dt>
          <dd>{formatMoney(problem.budgetCeiling)}</dd>
        </div>
        <div>
          <dt>{t('problem.deadline')}</dt>
          <dd>
            {formatDateTime(problem.deadline)}
            {problem.status === 'published' && (
              <>
                {' '}
                (<Countdown deadline={problem.deadline} />)
              </>
            )}
          </dd>
        </div>
      </dl>
      {children}
    </li>
  );
}

export function PageTitle({ children }: { children: string }) {
  const { t } = useTranslation();
  const site = t('app.name');
  useEffect(() => {
    document.title = `${children} · ${site}`;
  }, [children, site]);
  return <h1>{children}</h1>;
}

/** The options of a sector filter: every sector, and "all" first (one list for every search page). */
export function SectorOptions() {
  const { t } = useTranslation();
  return (
    <>
      <option value="">{t('common.all')}</option>
      {SECTORS.map((s) => (
        <option key={s} value={s}>
          {t(`sectors.${s}`)}
        </option>
      ))}
    </>
  );
}

/**
 * One evaluator's scores for one proposal, per criterion with comments: the firm's debrief and the
 * department's ranking detail show the same table. Scrollable on a phone, reachable by keyboard.
 */
export function EvaluatorScoresTable({
  caption,
  scores,
}: {
  caption: string;
  scores: { criterion: string; name: string; score: number; comment?: string | null }[];
}) {
  const { t } = useTranslation();
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('problem.criterion')}</th>
            <th scope="col" className="num">
              {t('proposal.score')}
            </th>
            <th scope="col">{t('proposal.comment')}</th>
          </tr>
        </thead>
        <tbody>
          {scores.map((s) => (
            <tr key={s.criterion}>
              <td>{s.name}</td>
              <td className="num">{formatNumber(s.score, 2)}</td>
              <td>{s.comment ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
