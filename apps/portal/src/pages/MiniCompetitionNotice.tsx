import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Schemas } from '../api/client';

type MiniCompetition = Schemas['MiniCompetitionView'];

/** Whether this firm may bid: every firm on an open problem, only the listed ones on a mini-competition. */
export function mayBid(mini: MiniCompetition | null | undefined, firmId: string | null | undefined): boolean {
  return !mini || mini.firms.some((f) => f.id === firmId);
}

/**
 * On the public problem page: the problem is a mini-competition among the listed catalogue firms,
 * why, and — for a firm not listed — that it cannot bid.
 */
export function MiniCompetitionNotice({ mini, firmId }: { mini: MiniCompetition; firmId: string | null }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="mini-competition-heading" className="boxed">
      <h2 id="mini-competition-heading" className="h3">
        {t('problem.miniCompetition.title')}
      </h2>
      <p>
        {t('problem.miniCompetition.among')}{' '}
        {mini.firms.map((f, i) => (
          <span key={f.id}>
            {i > 0 && ', '}
            <Link to={`/enterprises/${f.id}`}>{f.name}</Link>
          </span>
        ))}
      </p>
      <p className="prose">
        <strong>{t('problem.miniCompetition.justification')}</strong> {mini.justification}
      </p>
      {firmId && !mayBid(mini, firmId) && <p role="note">{t('problem.miniCompetition.notInvited')}</p>}
    </section>
  );
}
