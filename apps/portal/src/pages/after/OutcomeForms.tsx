import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage, Loading, TextAreaField } from '../../components';
import { useOrderUpdate } from './OrderPlan';
import './texts';

type Order = Schemas['OrderView'];
type Direction = Schemas['KpiOutcomeDto']['direction'];
type Solved = Schemas['RecordOutcomeDto']['solved'];
type Row = { kpi: string; baseline: string; target: string; achieved: string; unit: string; direction: Direction };

const SOLVED: Solved[] = ['yes', 'partly', 'no'];

/**
 * The KPIs the order answers for, with what is already known about each: the problem's KPIs (target
 * and unit from the milestones that carried them), or for a direct re-order those of the catalogue
 * entry it repeats, with the entry's baseline, target, unit and direction.
 */
function useKpiRows(order: Order) {
  return useQuery({
    queryKey: ['order', order.id, 'outcome-kpis'],
    queryFn: async (): Promise<Row[]> => {
      const fromMilestones = (name: string) => order.milestones.flatMap((m) => m.kpis).find((k) => k.name === name);
      if (order.problemId) {
        const problem = unwrap(await api.GET('/api/v1/problems/{id}', { params: { path: { id: order.problemId } } }));
        return problem.kpis.map((k) => {
          const m = fromMilestones(k.name);
          return {
            kpi: k.name,
            baseline: '',
            target: m ? String(m.target) : '',
            achieved: '',
            unit: m?.unit ?? '',
            direction: 'higher',
          };
        });
      }
      if (!order.sourceOrderId) return [];
      const entry = unwrap(await api.GET('/api/v1/catalogue/{orderId}', { params: { path: { orderId: order.sourceOrderId } } }));
      return entry.kpis.map((k) => ({
        kpi: k.kpi,
        baseline: String(k.baseline),
        target: String(k.target),
        achieved: '',
        unit: k.unit ?? '',
        direction: k.direction,
      }));
    },
  });
}

function OutcomeEditor({ order, initial }: { order: Order; initial: Row[] }) {
  const { t } = useTranslation();
  const onSuccess = useOrderUpdate(order.id);
  const [rows, setRows] = useState(initial);
  const [solved, setSolved] = useState<Solved | ''>('');
  const [explanation, setExplanation] = useState('');
  const record = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/orders/{id}/outcome', {
          params: { path: { id: order.id } },
          body: {
            solved: solved as Solved,
            explanation,
            kpis: rows.map((r) => ({
              kpi: r.kpi,
              baseline: Number(r.baseline),
              target: Number(r.target),
              achieved: Number(r.achieved),
              direction: r.direction,
              ...(r.unit ? { unit: r.unit } : {}),
            })),
          },
        }),
      ),
    onSuccess,
  });
  const update = (i: number, change: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const numberField = (i: number, field: 'baseline' | 'target' | 'achieved') => (
    <div className="field">
      <label htmlFor={`outcome-${i}-${field}`}>{t(`orders.${field}`)}</label>
      <input
        id={`outcome-${i}-${field}`}
        type="number"
        step="any"
        required
        value={rows[i][field]}
        onChange={(e) => update(i, { [field]: e.target.value })}
      />
    </div>
  );
  return (
    <form
      className="boxed"
      onSubmit={(e) => {
        e.preventDefault();
        record.mutate();
      }}
    >
      <h3>{t('orders.recordOutcome')}</h3>
      {rows.map((r, i) => (
        <fieldset key={r.kpi}>
          <legend>{r.kpi}</legend>
          {numberField(i, 'baseline')}
          {numberField(i, 'target')}
          {numberField(i, 'achieved')}
          <div className="field">
            <label htmlFor={`outcome-${i}-unit`}>{t('orders.unit')}</label>
            <input id={`outcome-${i}-unit`} value={r.unit} onChange={(e) => update(i, { unit: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`outcome-${i}-direction`}>{t('orders.direction')}</label>
            <select
              id={`outcome-${i}-direction`}
              value={r.direction}
              onChange={(e) => update(i, { direction: e.target.value as Direction })}
            >
              <option value="higher">{t('orders.directions.higher')}</option>
              <option value="lower">{t('orders.directions.lower')}</option>
            </select>
          </div>
        </fieldset>
      ))}
      <fieldset>
        <legend>{t('orders.solvedQuestion')}</legend>
        {SOLVED.map((s) => (
          <label key={s} className="check">
            <input type="radio" name="solved" value={s} required checked={solved === s} onChange={() => setSolved(s)} />
            {t(`orders.solved.${s}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="outcome-explanation">{t('orders.explanation')}</label>
        <textarea
          id="outcome-explanation"
          required
          minLength={10}
          rows={4}
          value={explanation}
          onChange={(e) => setExplanation(e.target.value)}
        />
      </div>
      {record.error && <ErrorMessage error={record.error} />}
      <button type="submit" disabled={record.isPending}>
        {t('orders.saveOutcome')}
      </button>
    </form>
  );
}

/** The department records the outcome once the order is completed or terminated. */
export function RecordOutcome({ order }: { order: Order }) {
  const rows = useKpiRows(order);
  if (rows.error) return <ErrorMessage error={rows.error} />;
  if (!rows.data) return <Loading />;
  return <OutcomeEditor order={order} initial={rows.data} />;
}

/** The firm adds (or replaces) its own statement on the recorded outcome. */
export function FirmStatement({ order }: { order: Order }) {
  const { t } = useTranslation();
  const onSuccess = useOrderUpdate(order.id);
  const [statement, setStatement] = useState(order.outcome?.firmStatement ?? '');
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/orders/{id}/outcome/statement', { params: { path: { id: order.id } }, body: { statement } }),
      ),
    onSuccess,
  });
  return (
    <form
      className="boxed"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <TextAreaField id="firm-statement" label={t('orders.yourStatement')} value={statement} onChange={setStatement} />
      {save.error && <ErrorMessage error={save.error} />}
      <button type="submit" disabled={save.isPending}>
        {t('orders.saveStatement')}
      </button>
    </form>
  );
}
