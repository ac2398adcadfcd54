import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage, TextAreaField } from '../../components';
import { formatDateTime, formatMoney, formatNumber } from '../../format';
import { RoundFiles, useSubmissions } from './DeliverableFiles';
import './texts';

type Order = Schemas['OrderView'];
type Milestone = Schemas['MilestoneView'];
type Phase = Schemas['MilestoneDto']['phase'];
type KpiRow = { name: string; target: string; unit: string };
type Row = { phase: Phase; deliverable: string; dueDate: string; amount: string; kpis: KpiRow[] };

/** After a change the page shows the order as the API returned it. */
export function useOrderUpdate(orderId: string) {
  const queryClient = useQueryClient();
  return (data: Order) => {
    queryClient.setQueryData(['order', orderId], data);
    void queryClient.invalidateQueries({ queryKey: ['order-variations', orderId] });
  };
}

const emptyRow = (phase: Phase): Row => ({ phase, deliverable: '', dueDate: '', amount: '', kpis: [] });

function rowsOf(order: Order): Row[] {
  if (order.milestones.length === 0) return [emptyRow('single')];
  return order.milestones.map((m) => ({
    phase: m.phase,
    deliverable: m.deliverable,
    dueDate: m.dueDate,
    amount: String(m.amount),
    kpis: m.kpis.map((k) => ({ name: k.name, target: String(k.target), unit: k.unit ?? '' })),
  }));
}

/**
 * Either side proposes the whole plan of milestones before work starts: deliverable, due date,
 * amount and the KPIs each must show; a staged order lists its pilot milestones before the scale-up.
 */
function PlanEditor({ order }: { order: Order }) {
  const { t } = useTranslation();
  const onSuccess = useOrderUpdate(order.id);
  const [staged, setStaged] = useState(order.staged);
  const [rows, setRows] = useState<Row[]>(() => rowsOf(order));
  const total = rows.reduce((sum, r) => sum + (Number(r.amount) || 0), 0);
  const phases: Phase[] = staged ? ['pilot', 'scale_up'] : ['single'];
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PUT('/api/v1/orders/{id}/plan', {
          params: { path: { id: order.id } },
          body: {
            staged,
            milestones: rows.map((r) => ({
              phase: (staged ? (r.phase === 'single' ? 'pilot' : r.phase) : 'single') as Phase,
              deliverable: r.deliverable,
              dueDate: r.dueDate,
              amount: Number(r.amount),
              kpis: r.kpis.map((k) => ({ name: k.name, target: Number(k.target), ...(k.unit ? { unit: k.unit } : {}) })),
            })),
          },
        }),
      ),
    onSuccess,
  });
  const update = (i: number, change: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const updateKpi = (i: number, k: number, change: Partial<KpiRow>) =>
    update(i, { kpis: rows[i].kpis.map((x, j) => (j === k ? { ...x, ...change } : x)) });
  return (
    <form
      className="boxed"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h3>{t('orders.planEditor')}</h3>
      <p className="muted">{t('orders.planHelp', { price: formatMoney(order.price) })}</p>
      <label className="check">
        <input type="checkbox" checked={staged} onChange={(e) => setStaged(e.target.checked)} />
        {t('orders.stagedLabel')}
      </label>
      {rows.map((r, i) => {
        const id = `plan-${i + 1}`;
        return (
          <fieldset key={i}>
            <legend>{t('orders.milestone', { n: i + 1 })}</legend>
            {staged && (
              <div className="field">
                <label htmlFor={`${id}-phase`}>{t('orders.phase')}</label>
                <select
                  id={`${id}-phase`}
                  value={r.phase === 'single' ? 'pilot' : r.phase}
                  onChange={(e) => update(i, { phase: e.target.value as Phase })}
                >
                  {phases.map((p) => (
                    <option key={p} value={p}>
                      {t(`orders.phases.${p}`)}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className="field">
              <label htmlFor={`${id}-deliverable`}>{t('orders.deliverable')}</label>
              <textarea
                id={`${id}-deliverable`}
                required
                minLength={3}
                value={r.deliverable}
                onChange={(e) => update(i, { deliverable: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-due`}>{t('orders.dueDate')}</label>
              <input
                id={`${id}-due`}
                type="date"
                required
                value={r.dueDate}
                onChange={(e) => update(i, { dueDate: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-amount`}>{t('orders.amount')}</label>
              <input
                id={`${id}-amount`}
                type="number"
                inputMode="numeric"
                min={0}
                step={1}
                required
                value={r.amount}
                onChange={(e) => update(i, { amount: e.target.value })}
              />
            </div>
            {r.kpis.map((k, j) => (
              <div key={j} className="boxed">
                <div className="field">
                  <label htmlFor={`${id}-kpi${j}-name`}>{t('orders.kpiName', { n: j + 1 })}</label>
                  <input
                    id={`${id}-kpi${j}-name`}
                    required
                    value={k.name}
                    onChange={(e) => updateKpi(i, j, { name: e.target.value })}
                  />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-kpi${j}-target`}>{t('orders.kpiTargetValue', { n: j + 1 })}</label>
                  <input
                    id={`${id}-kpi${j}-target`}
                    type="number"
                    step="any"
                    required
                    value={k.target}
                    onChange={(e) => updateKpi(i, j, { target: e.target.value })}
                  />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-kpi${j}-unit`}>{t('orders.kpiUnit', { n: j + 1 })}</label>
                  <input id={`${id}-kpi${j}-unit`} value={k.unit} onChange={(e) => updateKpi(i, j, { unit: e.target.value })} />
                </div>
                <button type="button" className="secondary" onClick={() => update(i, { kpis: r.kpis.filter((_, x) => x !== j) })}>
                  {t('orders.removeKpi', { n: j + 1 })}
                </button>
              </div>
            ))}
            <p>
              <button
                type="button"
                className="secondary"
                onClick={() => update(i, { kpis: [...r.kpis, { name: '', target: '', unit: '' }] })}
              >
                {t('orders.addKpi', { n: i + 1 })}
              </button>{' '}
              {rows.length > 1 && (
                <button type="button" className="secondary" onClick={() => setRows(rows.filter((_, x) => x !== i))}>
                  {t('orders.removeMilestone', { n: i + 1 })}
                </button>
              )}
            </p>
          </fieldset>
        );
      })}
      <p>
        <button type="button" className="secondary" onClick={() => setRows([...rows, emptyRow(staged ? 'scale_up' : 'single')])}>
          {t('orders.addMilestone')}
        </button>
      </p>
      <p className={total === order.price ? 'muted' : 'error'} role="status">
        {t('orders.planTotal', { total: formatMoney(total), price: formatMoney(order.price) })}
      </p>
      {save.error && <ErrorMessage error={save.error} />}
      <button type="submit" disabled={save.isPending}>
        {order.planVersion === 0 ? t('orders.proposePlan') : t('orders.proposeChangedPlan')}
      </button>
    </form>
  );
}

/** Each side agrees the version it read; work starts when both have agreed the same one. */
function AgreePlan({ order, side }: { order: Order; side: 'department' | 'firm' }) {
  const { t } = useTranslation();
  const onSuccess = useOrderUpdate(order.id);
  const agree = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/orders/{id}/agree', {
          params: { path: { id: order.id } },
          body: { planVersion: order.planVersion },
        }),
      ),
    onSuccess,
  });
  const mine = side === 'department' ? order.departmentAgreedVersion : order.firmAgreedVersion;
  return (
    <div>
      <p role="status">
        {t('orders.planVersion', { version: order.planVersion })} ·{' '}
        {t('orders.departmentAgreed', {
          answer: order.departmentAgreedVersion === order.planVersion ? t('orders.yes') : t('orders.no'),
        })}{' '}
        · {t('orders.firmAgreed', { answer: order.firmAgreedVersion === order.planVersion ? t('orders.yes') : t('orders.no') })}
      </p>
      {mine !== order.planVersion && (
        <button type="button" onClick={() => agree.mutate()} disabled={agree.isPending}>
          {t('orders.agreePlan', { version: order.planVersion })}
        </button>
      )}
      {agree.error && <ErrorMessage error={agree.error} />}
    </div>
  );
}

/** Before work starts: the plan as proposed, who has agreed it, and the form to propose another. */
export function PlanAgreement({ order, side }: { order: Order; side: 'department' | 'firm' }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(order.planVersion === 0);
  return (
    <section aria-labelledby="plan-heading">
      <h2 id="plan-heading">{t('orders.planHeading')}</h2>
      {order.planVersion > 0 && <AgreePlan order={order} side={side} />}
      {editing ? (
        <PlanEditor key={order.planVersion} order={order} />
      ) : (
        <p>
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            {t('orders.changePlan')}
          </button>
        </p>
      )}
    </section>
  );
}

/** The department ends the order early, with a public reason. */
export function Terminate({ order }: { order: Order }) {
  const { t } = useTranslation();
  const onSuccess = useOrderUpdate(order.id);
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState(false);
  const terminate = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/orders/{id}/terminate', { params: { path: { id: order.id } }, body: { reason } })),
    onSuccess,
  });
  if (!open)
    return (
      <p>
        <button type="button" className="secondary" onClick={() => setOpen(true)}>
          {t('orders.terminate')}
        </button>
      </p>
    );
  return (
    <form
      className="boxed"
      onSubmit={(e) => {
        e.preventDefault();
        terminate.mutate();
      }}
    >
      <TextAreaField id="terminate-reason" label={t('orders.terminateReason')} value={reason} onChange={setReason} />
      {terminate.error && <ErrorMessage error={terminate.error} />}
      <button type="submit" disabled={terminate.isPending}>
        {t('orders.confirmTerminate')}
      </button>
    </form>
  );
}

/** Every round of a milestone's deliverable, with the department's decision and its date (the parties). */
export function SubmissionHistory({ order, milestone }: { order: Order; milestone: Milestone }) {
  const { t } = useTranslation();
  const rounds = useSubmissions(order, milestone);
  if (!rounds.data?.length) return null;
  return (
    <details>
      <summary>{t('orders.history', { count: rounds.data.length })}</summary>
      <ol>
        {rounds.data.map((r) => (
          <li key={r.id}>
            <p>
              {t('orders.roundSubmitted', { round: r.round, date: formatDateTime(r.submittedAt) })}
              {r.decision && (
                <>
                  {' · '}
                  {t(`orders.decisions.${r.decision}`, { date: formatDateTime(r.decidedAt) })}
                </>
              )}
            </p>
            <p className="prose">{r.text}</p>
            <ul className="compact">
              {r.kpiResults.map((k) => (
                <li key={k.kpi}>
                  {k.kpi}: <strong>{formatNumber(k.value, 2)}</strong> — {k.evidence}
                </li>
              ))}
            </ul>
            <RoundFiles order={order} milestone={milestone} files={r.files} />
            {r.decisionReason && (
              <p className="prose">
                <strong>{t('orders.returnReason')}:</strong> {r.decisionReason}
              </p>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** The department records paying an accepted milestone's amount (published as an OCDS transaction). */
export function MarkPaid({ order, milestone }: { order: Order; milestone: Milestone }) {
  const { t } = useTranslation();
  const onSuccess = useOrderUpdate(order.id);
  const pay = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/orders/{id}/milestones/{milestoneId}/paid', {
          params: { path: { id: order.id, milestoneId: milestone.id } },
        }),
      ),
    onSuccess,
  });
  return (
    <p>
      <button
        type="button"
        className="secondary"
        disabled={pay.isPending}
        onClick={() => window.confirm(t('orders.markPaidConfirm', { amount: formatMoney(milestone.amount) })) && pay.mutate()}
      >
        {t('orders.markPaid', { n: milestone.number })}
      </button>
      {pay.error && <ErrorMessage error={pay.error} />}
    </p>
  );
}
