import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, PageTitle, QueryView, SectorOptions, TextAreaField } from '../components';
import { formatDate, formatMoney, formatNumber } from '../format';
import { useSession } from '../session';
import { OrderOutcome } from './Order';
import { MiniCompetitionStart, PickEntry } from './after/MiniCompetitionStart';
import './after/texts';

type Entry = Schemas['CatalogueEntryView'];
type Sector = Schemas['ProblemSummary']['sector'];

/** The catalogue of proven solutions: competition orders whose bottleneck was solved or partly solved. */
export function CatalogueList() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const sector = params.get('sector') ?? '';
  const { user } = useSession();
  // Entries picked for a mini-competition: one kind of bottleneck, so only once a sector is chosen.
  const [picked, setPicked] = useState<string[]>([]);
  const picking = user?.role === 'officer' && sector !== '';
  const list = useQuery({
    queryKey: ['catalogue', sector],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/catalogue', {
          params: { query: { limit: 50, ...(sector ? { sector: sector as Sector } : {}) } },
        }),
      ),
  });
  return (
    <>
      <PageTitle>{t('catalogue.title')}</PageTitle>
      <p className="lead">{t('catalogue.lead')}</p>
      <div className="field narrow">
        <label htmlFor="catalogue-sector">{t('problems.sector')}</label>
        <select
          id="catalogue-sector"
          value={sector}
          onChange={(e) => {
            setPicked([]);
            setParams(e.target.value ? { sector: e.target.value } : {});
          }}
        >
          <SectorOptions />
        </select>
      </div>
      {user?.role === 'officer' && !picking && <p className="muted">{t('catalogue.mini.chooseSector')}</p>}
      <QueryView query={list}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t('catalogue.none')}</p>
          ) : (
            <ul className="cards">
              {page.items.map((e) => (
                <li key={e.orderId} className="card">
                  <h2 className="h3">
                    <Link to={`/catalogue/${e.orderId}`}>{e.title}</Link>
                  </h2>
                  <p className="muted">
                    {e.enterprise.name} · {e.department.name} · {t(`sectors.${e.sector}`)}
                  </p>
                  <p>{e.summary}</p>
                  <p>
                    <strong>{t(`orders.solved.${e.solved}`)}</strong> · {formatMoney(e.price)} ·{' '}
                    {t('catalogue.kpisMet', { met: e.kpis.filter((k) => k.met).length, total: e.kpis.length })}
                  </p>
                  {picking && (
                    <PickEntry
                      entry={e}
                      picked={picked.includes(e.orderId)}
                      onChange={(on) => setPicked((ids) => (on ? [...ids, e.orderId] : ids.filter((id) => id !== e.orderId)))}
                    />
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      {picking && list.data && (
        <MiniCompetitionStart picked={picked.flatMap((id) => list.data.items.filter((e) => e.orderId === id))} />
      )}
    </>
  );
}

/** A department's officer re-orders the solution directly: a justification and a price within the ceiling. */
function Reorder({ entry }: { entry: Entry }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [title, setTitle] = useState(entry.title);
  const [justification, setJustification] = useState('');
  const [price, setPrice] = useState(String(entry.reorderPriceCeiling));
  const over = Number(price) > entry.reorderPriceCeiling;
  const reorder = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/catalogue/{orderId}/reorders', {
          params: { path: { orderId: entry.orderId } },
          body: { title, justification, price: Number(price) },
        }),
      ),
    onSuccess: (order) => void navigate(`/orders/${order.id}`),
  });
  return (
    <form
      className="boxed form-page"
      onSubmit={(e) => {
        e.preventDefault();
        reorder.mutate();
      }}
    >
      <h2>{t('catalogue.reorder')}</h2>
      <p className="muted">
        {t('catalogue.reorderHelp', { firm: entry.enterprise.name, ceiling: formatMoney(entry.reorderPriceCeiling) })}
      </p>
      <div className="field">
        <label htmlFor="reorder-title">{t('catalogue.reorderTitle')}</label>
        <input
          id="reorder-title"
          required
          minLength={5}
          maxLength={300}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </div>
      <TextAreaField
        id="reorder-justification"
        label={t('catalogue.justification')}
        value={justification}
        onChange={setJustification}
        minLength={20}
        rows={5}
        help={t('catalogue.justificationHelp')}
      />
      <div className="field">
        <label htmlFor="reorder-price">{t('catalogue.price')}</label>
        <input
          id="reorder-price"
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          required
          aria-invalid={over}
          aria-describedby="reorder-price-help"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
        />
        <span id="reorder-price-help" className={over ? 'field-error' : 'muted'}>
          {t('catalogue.ceiling', { ceiling: formatMoney(entry.reorderPriceCeiling) })}
        </span>
      </div>
      {reorder.error && <ErrorMessage error={reorder.error} />}
      <button type="submit" disabled={reorder.isPending}>
        {t('catalogue.placeReorder')}
      </button>
    </form>
  );
}

export function CatalogueEntry() {
  const { t } = useTranslation();
  const orderId = useParams().orderId as string;
  const { user } = useSession();
  const entry = useQuery({
    queryKey: ['catalogue-entry', orderId],
    queryFn: async () => unwrap(await api.GET('/api/v1/catalogue/{orderId}', { params: { path: { orderId } } })),
  });
  return (
    <QueryView query={entry}>
      {(e) => (
        <article>
          <p className="muted">
            <Link to="/catalogue">{t('catalogue.title')}</Link>
          </p>
          <PageTitle>{e.title}</PageTitle>
          <p className="lead">{e.summary}</p>
          <dl className="facts boxed">
            <div>
              <dt>{t('orders.firm')}</dt>
              <dd>
                <Link to={`/enterprises/${e.enterprise.id}`}>{e.enterprise.name}</Link>
              </dd>
            </div>
            <div>
              <dt>{t('catalogue.usedBy')}</dt>
              <dd>{e.department.name}</dd>
            </div>
            <div>
              <dt>{t('orders.price')}</dt>
              <dd>{formatMoney(e.price)}</dd>
            </div>
            <div>
              <dt>{t('catalogue.duration')}</dt>
              <dd>{t('catalogue.months', { count: e.durationMonths })}</dd>
            </div>
            <div>
              <dt>{t('catalogue.completedAt')}</dt>
              <dd>{formatDate(e.completedAt)}</dd>
            </div>
            <div>
              <dt>{t('catalogue.reorders')}</dt>
              <dd>{formatNumber(e.reorders)}</dd>
            </div>
          </dl>
          <p>
            <Link to={`/problems/${e.problemId}`}>{t('orders.problemLink')}</Link> ·{' '}
            <Link to={`/orders/${e.orderId}`}>{t('orders.open')}</Link>
          </p>
          <section aria-labelledby="deliverables-heading">
            <h2 id="deliverables-heading">{t('catalogue.deliverables')}</h2>
            <ol>
              {e.deliverables.map((d, i) => (
                <li key={i} className="prose">
                  {d}
                </li>
              ))}
            </ol>
          </section>
          <OrderOutcome
            outcome={{
              solved: e.solved,
              explanation: e.explanation,
              kpis: e.kpis,
              recordedAt: e.completedAt,
              firmStatement: null,
              firmStatementAt: null,
            }}
          />
          {user?.role === 'officer' && <Reorder entry={e} />}
        </article>
      )}
    </QueryView>
  );
}
