import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { Countdown, PageTitle, QueryView } from '../../components';
import { formatDateTime } from '../../format';
import { useSession } from '../../session';
import { RequireRole } from './shared';

type Status = Schemas['ProblemSummary']['status'];
/** The department's work, in the order it comes: what to finish, what is open, what to evaluate, what is decided. */
const GROUPS: { key: string; statuses: Status[] }[] = [
  { key: 'draft', statuses: ['draft'] },
  { key: 'published', statuses: ['published'] },
  { key: 'evaluating', statuses: ['closed', 'evaluating'] },
  { key: 'decided', statuses: ['awarded', 'unsuccessful', 'cancelled'] },
];

/** What the problem waits for from the department: answers while open, a decision once scored. */
function Waiting({ problem }: { problem: Schemas['ProblemSummary'] }) {
  const { t } = useTranslation();
  const open = problem.status === 'published';
  const evaluating = problem.status === 'closed' || problem.status === 'evaluating';
  const path = { params: { path: { id: problem.id } } };
  const questions = useQuery({
    queryKey: ['problem', problem.id, 'questions'],
    enabled: open,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/problems/{id}/questions', { params: { ...path.params, query: { limit: 100 } } })),
  });
  const progress = useQuery({
    queryKey: ['problem', problem.id, 'progress'],
    enabled: evaluating,
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/evaluation-progress', path)),
  });
  if (open && questions.data)
    return <>{t('staff.manage.waiting', { count: questions.data.items.filter((q) => q.answer === null).length })}</>;
  if (evaluating && progress.data) {
    const p = progress.data;
    if (p.proposals.some((x) => x.needsEvaluator)) return <>{t('staff.office.needsEvaluator')}</>;
    if (p.complete) return <>{t('staff.office.decisionDue')}</>;
    const submitted = p.proposals.reduce((sum, x) => sum + x.submitted, 0);
    const eligible = p.proposals.reduce((sum, x) => sum + x.eligible, 0);
    return <>{t('staff.office.scoring', { submitted, eligible })}</>;
  }
  return <>{problem.status === 'draft' ? t('staff.office.toPublish') : '—'}</>;
}

function Group({ departmentId, group }: { departmentId: string; group: (typeof GROUPS)[number] }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['office', departmentId, group.key],
    queryFn: async () => {
      const pages = await Promise.all(
        group.statuses.map(
          async (status) =>
            unwrap(await api.GET('/api/v1/problems', { params: { query: { departmentId, status, limit: 100 } } })).items,
        ),
      );
      return pages.flat();
    },
  });
  return (
    <section aria-labelledby={`group-${group.key}`}>
      <h2 id={`group-${group.key}`}>{t(`staff.office.groups.${group.key}`)}</h2>
      <p className="muted">{t(`staff.office.todo.${group.key}`)}</p>
      <QueryView query={list}>
        {(items) =>
          items.length === 0 ? (
            <p className="muted">{t('staff.office.none')}</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label={t(`staff.office.groups.${group.key}`)}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('staff.problemTitle')}</th>
                    <th scope="col">{t('staff.status')}</th>
                    <th scope="col">{t('problem.deadline')}</th>
                    <th scope="col">{t('staff.office.waitingFor')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <Link to={`/office/problems/${p.id}`}>{p.title}</Link>
                      </td>
                      <td>{t(`problemStatus.${p.status}`)}</td>
                      <td>
                        {formatDateTime(p.deadline)}
                        {p.status === 'published' && (
                          <>
                            {' '}
                            (<Countdown deadline={p.deadline} />)
                          </>
                        )}
                      </td>
                      <td>
                        <Waiting problem={p} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}

/** The officer's desk: the department's problems by state, each a link to its management page. */
function OfficeHomeView() {
  const { t } = useTranslation();
  const { user } = useSession();
  const departmentId = user?.organizationId;
  return (
    <div>
      <PageTitle>{t('staff.office.title')}</PageTitle>
      <p className="actions">
        <Link className="button" to="/office/problems/new">
          {t('staff.office.new')}
        </Link>
      </p>
      {departmentId ? (
        GROUPS.map((g) => <Group key={g.key} departmentId={departmentId} group={g} />)
      ) : (
        <p>{t('staff.office.noDepartment')}</p>
      )}
    </div>
  );
}

export default function OfficeHome() {
  return (
    <RequireRole roles={['officer']}>
      <OfficeHomeView />
    </RequireRole>
  );
}
