import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, PageTitle, QueryView } from '../components';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../format';
import { useSession } from '../session';
import { MarkPaid, PlanAgreement, SubmissionHistory, Terminate } from './after/OrderPlan';
import { Variations } from './after/OrderVariations';
import { FirmStatement, RecordOutcome } from './after/OutcomeForms';
import { deliverableFilesKey, PreparedFiles, ReviewedRoundFiles } from './after/DeliverableFiles';
import './after/texts';

type Order = Schemas['OrderView'];
type Milestone = Schemas['MilestoneView'];

/** The firm reports a milestone's deliverable with one measured value and its evidence per KPI. */
function SubmitDeliverable({ order, milestone }: { order: Order; milestone: Milestone }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [values, setValues] = useState<Record<string, { value: string; evidence: string }>>({});
  const submit = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/orders/{id}/milestones/{milestoneId}/submissions', {
          params: { path: { id: order.id, milestoneId: milestone.id } },
          body: {
            text,
            kpiResults: milestone.kpis.map((k) => ({
              kpi: k.name,
              value: Number(values[k.name]?.value ?? ''),
              evidence: values[k.name]?.evidence ?? '',
            })),
          },
        }),
      ),
    onSuccess: (data) => {
      queryClient.setQueryData(['order', order.id], data);
      void queryClient.invalidateQueries({ queryKey: deliverableFilesKey(order.id, milestone.id) });
    },
  });
  const id = `deliverable-${milestone.number}`;
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      <label htmlFor={id}>{t('orders.deliverableText')}</label>
      <textarea id={id} required minLength={3} value={text} onChange={(e) => setText(e.target.value)} />
      {milestone.kpis.map((k, i) => (
        <fieldset key={k.name}>
          <legend>{t('orders.kpiTarget', { name: k.name, target: formatNumber(k.target, 2), unit: k.unit ?? '' })}</legend>
          <label htmlFor={`${id}-v${i}`}>{t('orders.measured')}</label>
          <input
            id={`${id}-v${i}`}
            type="number"
            step="any"
            required
            value={values[k.name]?.value ?? ''}
            onChange={(e) =>
              setValues({ ...values, [k.name]: { evidence: values[k.name]?.evidence ?? '', value: e.target.value } })
            }
          />
          <label htmlFor={`${id}-e${i}`}>{t('orders.evidence')}</label>
          <input
            id={`${id}-e${i}`}
            required
            minLength={3}
            value={values[k.name]?.evidence ?? ''}
            onChange={(e) => setValues({ ...values, [k.name]: { value: values[k.name]?.value ?? '', evidence: e.target.value } })}
          />
        </fieldset>
      ))}
      <PreparedFiles order={order} milestone={milestone} />
      {submit.error && <ErrorMessage error={submit.error} />}
      <button type="submit" disabled={submit.isPending}>
        {t('orders.submitDeliverable')}
      </button>
    </form>
  );
}

/** The department accepts a submitted deliverable, or returns it with reasons. */
function ReviewDeliverable({ order, milestone }: { order: Order; milestone: Milestone }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const path = { params: { path: { id: order.id, milestoneId: milestone.id } } };
  const onSuccess = (data: Order) => queryClient.setQueryData(['order', order.id], data);
  const accept = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/orders/{id}/milestones/{milestoneId}/accept', path)),
    onSuccess,
  });
  const giveBack = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/orders/{id}/milestones/{milestoneId}/return', { ...path, body: { reason } })),
    onSuccess,
  });
  const id = `return-${milestone.number}`;
  return (
    <div className="stack">
      <ReviewedRoundFiles order={order} milestone={milestone} />
      <button type="button" onClick={() => accept.mutate()} disabled={accept.isPending}>
        {t('orders.accept', { n: milestone.number })}
      </button>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          giveBack.mutate();
        }}
      >
        <label htmlFor={id}>{t('orders.returnReason')}</label>
        <textarea id={id} required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="submit" className="secondary" disabled={giveBack.isPending}>
          {t('orders.return', { n: milestone.number })}
        </button>
      </form>
      {(accept.error ?? giveBack.error) && <ErrorMessage error={accept.error ?? giveBack.error} />}
    </div>
  );
}

export function OrderOutcome({ outcome }: { outcome: NonNullable<Order['outcome']> }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="outcome-heading">
      <h2 id="outcome-heading">{t('orders.outcome')}</h2>
      <p>
        <strong>{t('orders.solvedQuestion')}</strong> {t(`orders.solved.${outcome.solved}`)}
      </p>
      <p className="prose">{outcome.explanation}</p>
      {outcome.kpis.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={t('orders.outcomeKpis')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('orders.kpi')}</th>
                <th scope="col">{t('orders.baseline')}</th>
                <th scope="col">{t('orders.target')}</th>
                <th scope="col">{t('orders.achieved')}</th>
                <th scope="col">{t('orders.met')}</th>
              </tr>
            </thead>
            <tbody>
              {outcome.kpis.map((k) => (
                <tr key={k.kpi}>
                  <td>{k.kpi}</td>
                  <td>
                    {formatNumber(k.baseline, 2)} {k.unit}
                  </td>
                  <td>
                    {formatNumber(k.target, 2)} {k.unit}
                  </td>
                  <td>
                    {formatNumber(k.achieved, 2)} {k.unit}
                  </td>
                  <td>{k.met ? t('orders.yes') : t('orders.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {outcome.firmStatement && (
        <blockquote>
          <p>{t('orders.firmStatement')}</p>
          <p className="prose">{outcome.firmStatement}</p>
        </blockquote>
      )}
    </section>
  );
}

/** An order's page: public progress and outcome; the firm delivers and the department reviews here. */
export default function OrderPage() {
  const { t } = useTranslation();
  const id = useParams().id as string;
  const { user } = useSession();
  const order = useQuery({
    queryKey: ['order', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/orders/{id}', { params: { path: { id } } })),
  });
  return (
    <QueryView query={order}>
      {(o) => {
        const isFirm = user?.role === 'enterprise' && user.organizationId === o.enterprise.id;
        const isDept = user?.role === 'officer' && user.organizationId === o.department.id;
        const side = isDept ? 'department' : isFirm ? 'firm' : null;
        const records = side !== null || user?.role === 'admin';
        const ended = o.status === 'completed' || o.status === 'terminated';
        return (
          <article>
            {o.problemId && (
              <p className="muted">
                <Link to={`/problems/${o.problemId}`}>{t('orders.problemLink')}</Link>
              </p>
            )}
            <PageTitle>{o.title}</PageTitle>
            <dl className="facts boxed">
              <div>
                <dt>{t('orders.status')}</dt>
                <dd>{t(`orders.statuses.${o.status}`)}</dd>
              </div>
              <div>
                <dt>{t('orders.firm')}</dt>
                <dd>
                  <Link to={`/enterprises/${o.enterprise.id}`}>{o.enterprise.name}</Link>
                </dd>
              </div>
              <div>
                <dt>{t('orders.department')}</dt>
                <dd>{o.department.name}</dd>
              </div>
              <div>
                <dt>{t('orders.price')}</dt>
                <dd>{formatMoney(o.price)}</dd>
              </div>
              <div>
                <dt>{t('orders.startedAt')}</dt>
                <dd>{formatDateTime(o.startedAt)}</dd>
              </div>
            </dl>
            {o.sourceOrderId && (
              <p>
                <Link to={`/catalogue/${o.sourceOrderId}`}>{t('orders.sourceEntry')}</Link>
              </p>
            )}
            {o.justification && <p className="prose">{t('orders.justification', { text: o.justification })}</p>}
            {o.plan && (
              <details>
                <summary>{t('orders.bidPlan')}</summary>
                <p className="prose">{o.plan}</p>
              </details>
            )}
            {o.terminationReason && <p role="status">{t('orders.terminated', { reason: o.terminationReason })}</p>}
            <section aria-labelledby="milestones-heading">
              <h2 id="milestones-heading">{t('orders.milestones')}</h2>
              {o.milestones.length === 0 ? (
                <p className="muted">{t('orders.noPlan')}</p>
              ) : (
                <ol className="milestones">
                  {o.milestones.map((m) => (
                    <li key={m.id}>
                      <h3>
                        {t('orders.milestone', { n: m.number })} · {t(`orders.phases.${m.phase}`)}
                      </h3>
                      <p className="prose">{m.deliverable}</p>
                      {m.kpis.length > 0 && (
                        <ul className="compact">
                          {m.kpis.map((k) => (
                            <li key={k.name}>
                              {t('orders.kpiTarget', { name: k.name, target: formatNumber(k.target, 2), unit: k.unit ?? '' })}
                            </li>
                          ))}
                        </ul>
                      )}
                      <p>
                        {t('orders.due', { date: formatDate(m.dueDate) })} · {formatMoney(m.amount)} ·{' '}
                        <strong>{t(`orders.milestoneStatuses.${m.status}`)}</strong>
                        {m.overdue && <span className="badge warning"> {t('orders.overdue')}</span>}
                        {m.rounds > 0 && <> · {t('orders.rounds', { count: m.rounds })}</>}
                      </p>
                      {isFirm && o.status === 'in_progress' && (m.status === 'open' || m.status === 'returned') && (
                        <SubmitDeliverable order={o} milestone={m} />
                      )}
                      {isDept && o.status === 'in_progress' && m.status === 'submitted' && (
                        <ReviewDeliverable order={o} milestone={m} />
                      )}
                      {m.paidAt && <p>{t('orders.paidOn', { date: formatDateTime(m.paidAt) })}</p>}
                      {isDept && m.status === 'accepted' && !m.paidAt && <MarkPaid order={o} milestone={m} />}
                      {records && m.rounds > 0 && <SubmissionHistory order={o} milestone={m} />}
                    </li>
                  ))}
                </ol>
              )}
            </section>
            {side && o.status === 'drafting' && <PlanAgreement order={o} side={side} />}
            {records && <Variations order={o} side={side} />}
            {isDept && !ended && <Terminate order={o} />}
            {o.outcome && <OrderOutcome outcome={o.outcome} />}
            {isDept && ended && !o.outcome && <RecordOutcome order={o} />}
            {isFirm && o.outcome && <FirmStatement order={o} />}
          </article>
        );
      }}
    </QueryView>
  );
}
