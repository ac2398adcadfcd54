import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage, TextAreaField } from '../../components';
import { formatDate, formatDateTime, formatMoney } from '../../format';
import './texts';

type Order = Schemas['OrderView'];
type Variation = Schemas['VariationView'];
type Change = Schemas['MilestoneChangeDto'];
type Side = 'department' | 'firm';

/** A variation's answer changes the milestones too: both are read again. */
function useRefresh(orderId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['order', orderId] });
    void queryClient.invalidateQueries({ queryKey: ['order-variations', orderId] });
  };
}

/** A variation's changes in words: "Milestone 2: due 31/08/2027, 300.000.000 ₫". */
function ChangeList({ changes }: { changes: Variation['changes'] }) {
  const { t } = useTranslation();
  return (
    <ul className="compact">
      {changes.map((c) => (
        <li key={c.milestone}>
          {t('orders.milestone', { n: c.milestone })}:{' '}
          {[
            c.deliverable && t('orders.changeDeliverable', { text: c.deliverable }),
            c.dueDate && t('orders.changeDue', { date: formatDate(c.dueDate) }),
            c.amount !== undefined && t('orders.changeAmount', { amount: formatMoney(c.amount) }),
            c.kpis && t('orders.changeKpis', { kpis: c.kpis.map((k) => `${k.name} ${k.target} ${k.unit ?? ''}`).join('; ') }),
          ]
            .filter(Boolean)
            .join(' · ')}
        </li>
      ))}
    </ul>
  );
}

/** The other side agrees or rejects (with a reason) a pending variation. */
function Answer({ order, variation }: { order: Order; variation: Variation }) {
  const { t } = useTranslation();
  const onSuccess = useRefresh(order.id);
  const [reason, setReason] = useState('');
  const path = { params: { path: { id: order.id, number: variation.number } } };
  const agree = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/orders/{id}/variations/{number}/agree', path)),
    onSuccess,
  });
  const reject = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/orders/{id}/variations/{number}/reject', { ...path, body: { reason } })),
    onSuccess,
  });
  const id = `variation-${variation.number}-reason`;
  return (
    <div>
      <button type="button" onClick={() => agree.mutate()} disabled={agree.isPending}>
        {t('orders.agreeVariation', { n: variation.number })}
      </button>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          reject.mutate();
        }}
      >
        <TextAreaField id={id} label={t('orders.rejectReason')} value={reason} onChange={setReason} />
        <button type="submit" className="secondary" disabled={reject.isPending}>
          {t('orders.rejectVariation', { n: variation.number })}
        </button>
      </form>
      {(agree.error ?? reject.error) && <ErrorMessage error={agree.error ?? reject.error} />}
    </div>
  );
}

/**
 * Either side proposes a numbered variation: new due dates, amounts or deliverables for milestones
 * not yet accepted (amounts still adding up to the price), with a reason. Only changed fields are sent.
 */
function Propose({ order }: { order: Order }) {
  const { t } = useTranslation();
  const onSuccess = useRefresh(order.id);
  const open = order.milestones.filter((m) => m.status !== 'accepted');
  const [reason, setReason] = useState('');
  const [rows, setRows] = useState(() =>
    Object.fromEntries(open.map((m) => [m.number, { deliverable: m.deliverable, dueDate: m.dueDate, amount: String(m.amount) }])),
  );
  const changes: Change[] = open.flatMap((m) => {
    const r = rows[m.number];
    const c: Change = { milestone: m.number };
    if (r.deliverable !== m.deliverable) c.deliverable = r.deliverable;
    if (r.dueDate !== m.dueDate) c.dueDate = r.dueDate;
    if (Number(r.amount) !== m.amount) c.amount = Number(r.amount);
    return Object.keys(c).length > 1 ? [c] : [];
  });
  const propose = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/orders/{id}/variations', { params: { path: { id: order.id } }, body: { reason, changes } })),
    onSuccess,
  });
  const set = (n: number, change: Partial<(typeof rows)[string]>) => setRows({ ...rows, [n]: { ...rows[n], ...change } });
  return (
    <form
      className="boxed"
      onSubmit={(e) => {
        e.preventDefault();
        propose.mutate();
      }}
    >
      <h3>{t('orders.proposeVariation')}</h3>
      {open.map((m) => (
        <fieldset key={m.id}>
          <legend>{t('orders.milestone', { n: m.number })}</legend>
          <div className="field">
            <label htmlFor={`var-${m.number}-deliverable`}>{t('orders.deliverable')}</label>
            <textarea
              id={`var-${m.number}-deliverable`}
              value={rows[m.number].deliverable}
              onChange={(e) => set(m.number, { deliverable: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`var-${m.number}-due`}>{t('orders.dueDate')}</label>
            <input
              id={`var-${m.number}-due`}
              type="date"
              value={rows[m.number].dueDate}
              onChange={(e) => set(m.number, { dueDate: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`var-${m.number}-amount`}>{t('orders.amount')}</label>
            <input
              id={`var-${m.number}-amount`}
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              value={rows[m.number].amount}
              onChange={(e) => set(m.number, { amount: e.target.value })}
            />
          </div>
        </fieldset>
      ))}
      <TextAreaField id="variation-reason" label={t('orders.variationReason')} value={reason} onChange={setReason} />
      {propose.error && <ErrorMessage error={propose.error} />}
      <button type="submit" disabled={propose.isPending || changes.length === 0}>
        {t('orders.sendVariation')}
      </button>
    </form>
  );
}

/** The order's numbered variations, for the parties: each with its answer; the pending one answered by the other side. */
export function Variations({ order, side }: { order: Order; side: Side | null }) {
  const { t } = useTranslation();
  const [proposing, setProposing] = useState(false);
  const list = useQuery({
    queryKey: ['order-variations', order.id],
    queryFn: async () => unwrap(await api.GET('/api/v1/orders/{id}/variations', { params: { path: { id: order.id } } })).items,
  });
  const items = list.data ?? [];
  const pending = items.find((v) => v.status === 'proposed');
  const running = order.status === 'in_progress';
  if (items.length === 0 && !(side && running)) return null;
  return (
    <section aria-labelledby="variations-heading">
      <h2 id="variations-heading">{t('orders.variations')}</h2>
      {items.length === 0 && <p className="muted">{t('orders.noVariations')}</p>}
      <ol className="cards">
        {items.map((v) => (
          <li key={v.number} className="card">
            <h3>
              {t('orders.variation', { n: v.number })} · {t(`orders.variationStatuses.${v.status}`)}
            </h3>
            <p className="muted">
              {t('orders.proposedBy', { side: t(`orders.sides.${v.proposedBy}`), date: formatDateTime(v.proposedAt) })}
            </p>
            <p className="prose">{v.reason}</p>
            <ChangeList changes={v.changes} />
            {v.rejectionReason && (
              <p className="prose">
                <strong>{t('orders.rejectReason')}:</strong> {v.rejectionReason}
              </p>
            )}
            {side && running && v.status === 'proposed' && v.proposedBy !== side && <Answer order={order} variation={v} />}
          </li>
        ))}
      </ol>
      {side && running && !pending && (
        <>
          {proposing ? (
            <Propose key={items.length} order={order} />
          ) : (
            <button type="button" className="secondary" onClick={() => setProposing(true)}>
              {t('orders.proposeVariation')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
