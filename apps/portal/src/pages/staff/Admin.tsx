import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage, PageTitle, QueryView } from '../../components';
import { formatDate, formatDateTime, formatNumber } from '../../format';
import { RequireRole } from './shared';

/** The administrator's pages share one heading and one sub-navigation. */
function AdminPage({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <RequireRole roles={['admin']}>
      <nav aria-label={t('staff.admin.nav')} className="subnav">
        <ul>
          {(['home', 'firms', 'accounts', 'population', 'audit'] as const).map((k) => (
            <li key={k}>
              <NavLink end to={k === 'home' ? '/admin' : `/admin/${k}`}>
                {t(`staff.admin.sections.${k}`)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <PageTitle>{title}</PageTitle>
      {children}
    </RequireRole>
  );
}

/** Links to the operational dashboards; the queue dashboard opens with a short-lived cookie. */
export function AdminHome() {
  const { t } = useTranslation();
  const queues = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/admin/queues/session')),
    onSuccess: () => window.open('/api/admin/queues', '_blank', 'noopener'),
  });
  const verify = useQuery({ queryKey: ['audit', 'verify'], queryFn: async () => unwrap(await api.GET('/api/v1/audit/verify')) });
  const pending = useQuery({
    queryKey: ['admin', 'firms', 'pending'],
    queryFn: async () => unwrap(await api.GET('/api/v1/enterprises', { params: { query: { status: 'pending', limit: 100 } } })),
  });
  return (
    <AdminPage title={t('staff.admin.title')}>
      <ul className="cards">
        <li className="card">
          <h2>{t('staff.admin.sections.firms')}</h2>
          <QueryView query={pending}>{(p) => <p>{t('staff.admin.pendingCount', { count: p.items.length })}</p>}</QueryView>
          <Link to="/admin/firms">{t('staff.admin.open')}</Link>
        </li>
        <li className="card">
          <h2>{t('staff.admin.sections.audit')}</h2>
          <QueryView query={verify}>{(v) => <ChainStatus verification={v} />}</QueryView>
          <Link to="/admin/audit">{t('staff.admin.open')}</Link>
        </li>
        <li className="card">
          <h2>{t('staff.admin.dashboards')}</h2>
          <ul>
            <li>
              <button type="button" className="link-button" onClick={() => queues.mutate()}>
                {t('staff.admin.queues')}
              </button>
              {queues.error && <ErrorMessage error={queues.error} />}
            </li>
            <li>
              <a href="/api/health/ready">{t('staff.admin.health')}</a>
            </li>
            <li>
              <a href="/api/docs">{t('staff.admin.apiDocs')}</a>
            </li>
            <li>
              <Link to="/indicators">{t('staff.admin.indicators')}</Link>
            </li>
          </ul>
        </li>
      </ul>
    </AdminPage>
  );
}

/** The chain's verification in one plain sentence: intact, or where it breaks. */
function ChainStatus({ verification }: { verification: Schemas['ChainVerification'] }) {
  const { t } = useTranslation();
  return verification.valid ? (
    <p className="ok">{t('staff.admin.chainOk', { count: verification.checked })}</p>
  ) : (
    <p className="error" role="alert">
      {t('staff.admin.chainBroken', {
        seq: verification.firstBroken?.seq ?? '?',
        reason: t(`staff.admin.broken.${verification.firstBroken?.reason ?? 'hash_mismatch'}`),
      })}
    </p>
  );
}

type Firm = Schemas['EnterpriseSummary'];
type StatusAction = 'verify' | 'reject' | 'suspend' | 'reinstate' | 'cease';
const ACTIONS: Record<Firm['status'], StatusAction[]> = {
  pending: ['verify', 'reject'],
  verified: ['suspend', 'cease'],
  suspended: ['reinstate', 'cease'],
  ceased: [],
  rejected: [],
};
const NEEDS_REASON = new Set<StatusAction>(['reject', 'suspend', 'cease']);

function FirmHistory({ id }: { id: string }) {
  const { t } = useTranslation();
  const history = useQuery({
    queryKey: ['admin', 'firm', id, 'history'],
    queryFn: async () => unwrap(await api.GET('/api/v1/enterprises/{id}/history', { params: { path: { id } } })),
  });
  return (
    <QueryView query={history}>
      {(h) =>
        h.items.length === 0 ? (
          <p className="muted">{t('staff.admin.noHistory')}</p>
        ) : (
          <ul>
            {h.items.map((e) => (
              <li key={e.id}>
                {t('staff.admin.historyLine', { date: formatDate(e.effectiveDate), to: t(`enterpriseStatus.${e.toStatus}`) })}
                {e.reason && ` — ${e.reason}`}
              </li>
            ))}
          </ul>
        )
      }
    </QueryView>
  );
}

/** One firm in the queue: its tax code, profile and history; the actions its status allows. */
function FirmRow({ firm }: { firm: Firm }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<StatusAction | null>(null);
  const { register, handleSubmit, formState, reset } = useForm<{ reason: string; effectiveDate: string }>();
  const change = useMutation({
    mutationFn: async (v: { reason: string; effectiveDate: string }) => {
      const body = {
        ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        ...(v.effectiveDate ? { effectiveDate: v.effectiveDate } : {}),
      };
      const params = { params: { path: { id: firm.id } }, body };
      switch (action) {
        case 'verify':
          return unwrap(await api.POST('/api/v1/enterprises/{id}/verify', params));
        case 'reject':
          return unwrap(await api.POST('/api/v1/enterprises/{id}/reject', params));
        case 'suspend':
          return unwrap(await api.POST('/api/v1/enterprises/{id}/suspend', params));
        case 'reinstate':
          return unwrap(await api.POST('/api/v1/enterprises/{id}/reinstate', params));
        default:
          return unwrap(await api.POST('/api/v1/enterprises/{id}/cease', params));
      }
    },
    onSuccess: async () => {
      setAction(null);
      reset();
      await queryClient.invalidateQueries({ queryKey: ['admin', 'firms'] });
    },
  });
  const formId = `firm-${firm.id}`;
  return (
    <li className="card">
      <h3>{firm.legalName}</h3>
      <dl className="facts">
        <div>
          <dt>{t('staff.admin.taxCode')}</dt>
          <dd>{firm.taxCode}</dd>
        </div>
        <div>
          <dt>{t('staff.status')}</dt>
          <dd>{t(`enterpriseStatus.${firm.status}`)}</dd>
        </div>
        <div>
          <dt>{t('staff.admin.area')}</dt>
          <dd>{firm.areaName ?? firm.areaCode}</dd>
        </div>
        <div>
          <dt>{t('staff.admin.sectors')}</dt>
          <dd>{firm.sectors.map((s) => t(`sectors.${s}`)).join(', ')}</dd>
        </div>
      </dl>
      <p>
        <Link to={`/enterprises/${firm.id}`}>{t('staff.admin.profile', { name: firm.legalName })}</Link>
      </p>
      <FirmHistory id={firm.id} />
      <p className="actions">
        {ACTIONS[firm.status].map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'verify' || a === 'reinstate' ? undefined : 'secondary'}
            aria-expanded={action === a}
            onClick={() => setAction(action === a ? null : a)}
          >
            {t(`staff.admin.actions.${a}`)}
          </button>
        ))}
      </p>
      {action && (
        <form onSubmit={(e) => void handleSubmit((v) => change.mutate(v))(e)} noValidate className="boxed">
          {NEEDS_REASON.has(action) && (
            <div className="field">
              <label htmlFor={`${formId}-reason`}>{t('staff.admin.reason')}</label>
              <textarea
                id={`${formId}-reason`}
                rows={2}
                aria-invalid={!!formState.errors.reason}
                {...register('reason', { validate: (s) => (s ?? '').trim().length >= 3 })}
              />
              {formState.errors.reason && <span className="field-error">{t('staff.reasonRequired')}</span>}
            </div>
          )}
          {action !== 'verify' && action !== 'reject' && (
            <div className="field">
              <label htmlFor={`${formId}-date`}>{t('staff.admin.effectiveDate')}</label>
              <input id={`${formId}-date`} type="date" {...register('effectiveDate')} />
            </div>
          )}
          {change.error && <ErrorMessage error={change.error} />}
          <button type="submit" disabled={change.isPending}>
            {t('staff.admin.confirm', { action: t(`staff.admin.actions.${action}`), name: firm.legalName })}
          </button>
        </form>
      )}
    </li>
  );
}

export function AdminFirms() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Firm['status']>('pending');
  const [q, setQ] = useState('');
  const firms = useQuery({
    queryKey: ['admin', 'firms', status, q],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/enterprises', { params: { query: { status, limit: 50, ...(q.trim() ? { q: q.trim() } : {}) } } }),
      ),
  });
  return (
    <AdminPage title={t('staff.admin.sections.firms')}>
      <div className="filters">
        <div className="field">
          <label htmlFor="firm-status">{t('staff.status')}</label>
          <select id="firm-status" value={status} onChange={(e) => setStatus(e.target.value as Firm['status'])}>
            {(['pending', 'verified', 'suspended', 'ceased', 'rejected'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`enterpriseStatus.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="firm-q">{t('staff.admin.search')}</label>
          <input id="firm-q" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
      </div>
      <QueryView query={firms}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t('staff.admin.noFirms')}</p>
          ) : (
            <ul className="cards">
              {page.items.map((f) => (
                <FirmRow key={f.id} firm={f} />
              ))}
            </ul>
          )
        }
      </QueryView>
    </AdminPage>
  );
}

type AccountFields = { email: string; fullName: string; role: 'officer' | 'evaluator' | 'admin'; departmentId: string };

/** Departments and staff accounts: create, change role, disable and enable. */
export function AdminAccounts() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const departments = useQuery({
    queryKey: ['departments'],
    queryFn: async () => unwrap(await api.GET('/api/v1/departments', { params: { query: { limit: 100 } } })),
  });
  const users = useQuery({
    queryKey: ['admin', 'users'],
    queryFn: async () => {
      const pages = await Promise.all(
        (['admin', 'officer', 'evaluator'] as const).map(
          async (role) => unwrap(await api.GET('/api/v1/users', { params: { query: { role, limit: 100 } } })).items,
        ),
      );
      return pages.flat();
    },
  });
  const dept = useForm<{ name: string; code: string }>();
  const createDept = useMutation({
    mutationFn: async (v: { name: string; code: string }) =>
      unwrap(
        await api.POST('/api/v1/departments', {
          body: { name: v.name.trim(), ...(v.code.trim() ? { code: v.code.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      dept.reset();
      await queryClient.invalidateQueries({ queryKey: ['departments'] });
    },
  });
  const account = useForm<AccountFields>({ defaultValues: { role: 'officer' } });
  const role = account.watch('role');
  const createAccount = useMutation({
    mutationFn: async (v: AccountFields) =>
      unwrap(
        await api.POST('/api/v1/users', {
          body: {
            email: v.email.trim(),
            fullName: v.fullName.trim(),
            role: v.role,
            ...(v.role === 'officer' ? { departmentId: v.departmentId } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      account.reset({
        email: '',
        fullName: '',
        role: account.getValues('role'),
        departmentId: account.getValues('departmentId'),
      });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
    },
  });
  const setStatus = useMutation({
    mutationFn: async ({ id, active }: { id: string; active: boolean }) =>
      active
        ? unwrap(await api.POST('/api/v1/users/{id}/enable', { params: { path: { id } } }))
        : unwrap(await api.POST('/api/v1/users/{id}/disable', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] }),
  });
  const deptName = (id: string | null) => departments.data?.items.find((d) => d.id === id)?.name ?? '—';
  return (
    <AdminPage title={t('staff.admin.sections.accounts')}>
      <section aria-labelledby="dept-heading">
        <h2 id="dept-heading">{t('staff.admin.departments')}</h2>
        <QueryView query={departments}>
          {(d) => <p>{d.items.map((x) => x.name + (x.code ? ` (${x.code})` : '')).join(' · ') || t('staff.admin.none')}</p>}
        </QueryView>
        <form onSubmit={(e) => void dept.handleSubmit((v) => createDept.mutate(v))(e)} noValidate className="columns">
          <div className="field">
            <label htmlFor="dept-name">{t('staff.admin.deptName')}</label>
            <input
              id="dept-name"
              aria-invalid={!!dept.formState.errors.name}
              {...dept.register('name', { required: true, minLength: 2 })}
            />
            {dept.formState.errors.name && <span className="field-error">{t('staff.required')}</span>}
          </div>
          <div className="field">
            <label htmlFor="dept-code">{t('staff.admin.deptCode')}</label>
            <input id="dept-code" {...dept.register('code')} />
          </div>
          {createDept.error && <ErrorMessage error={createDept.error} />}
          <div>
            <button type="submit" disabled={createDept.isPending}>
              {t('staff.admin.createDept')}
            </button>
          </div>
        </form>
      </section>
      <section aria-labelledby="account-heading">
        <h2 id="account-heading">{t('staff.admin.accounts')}</h2>
        <p className="muted">{t('staff.admin.accountHelp')}</p>
        <form onSubmit={(e) => void account.handleSubmit((v) => createAccount.mutate(v))(e)} noValidate className="boxed">
          <div className="columns">
            <div className="field">
              <label htmlFor="acc-name">{t('staff.admin.fullName')}</label>
              <input
                id="acc-name"
                aria-invalid={!!account.formState.errors.fullName}
                {...account.register('fullName', { required: true })}
              />
              {account.formState.errors.fullName && <span className="field-error">{t('staff.required')}</span>}
            </div>
            <div className="field">
              <label htmlFor="acc-email">{t('staff.admin.email')}</label>
              <input
                id="acc-email"
                type="email"
                aria-invalid={!!account.formState.errors.email}
                {...account.register('email', { required: true, pattern: /^\S+@\S+\.\S+$/ })}
              />
              {account.formState.errors.email && <span className="field-error">{t('staff.admin.emailInvalid')}</span>}
            </div>
            <div className="field">
              <label htmlFor="acc-role">{t('staff.admin.role')}</label>
              <select id="acc-role" {...account.register('role')}>
                {(['officer', 'evaluator', 'admin'] as const).map((r) => (
                  <option key={r} value={r}>
                    {t(`staff.admin.roles.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            {role === 'officer' && (
              <div className="field">
                <label htmlFor="acc-dept">{t('staff.admin.department')}</label>
                <select
                  id="acc-dept"
                  aria-invalid={!!account.formState.errors.departmentId}
                  {...account.register('departmentId', { validate: (v) => role !== 'officer' || !!v })}
                >
                  <option value="">{t('staff.admin.chooseDept')}</option>
                  {departments.data?.items.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </select>
                {account.formState.errors.departmentId && <span className="field-error">{t('staff.admin.deptRequired')}</span>}
              </div>
            )}
          </div>
          {createAccount.error && <ErrorMessage error={createAccount.error} />}
          {createAccount.data && <p role="status">{t('staff.admin.created', { email: createAccount.data.email })}</p>}
          <button type="submit" disabled={createAccount.isPending}>
            {t('staff.admin.createAccount')}
          </button>
        </form>
        <QueryView query={users}>
          {(list) => (
            <div className="table-scroll" tabIndex={0} role="region" aria-label={t('staff.admin.accounts')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('staff.admin.fullName')}</th>
                    <th scope="col">{t('staff.admin.role')}</th>
                    <th scope="col">{t('staff.admin.department')}</th>
                    <th scope="col">{t('staff.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((u) => (
                    <tr key={u.id}>
                      <td>
                        {u.fullName}
                        <br />
                        <span className="muted">{u.email}</span>
                      </td>
                      <td>{t(`staff.admin.roles.${u.role}`)}</td>
                      <td>{u.role === 'officer' ? deptName(u.organizationId) : '—'}</td>
                      <td>
                        {t(`staff.admin.userStatus.${u.status}`)}{' '}
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => setStatus.mutate({ id: u.id, active: u.status !== 'active' })}
                        >
                          {u.status === 'active'
                            ? t('staff.admin.disable', { name: u.fullName })
                            : t('staff.admin.enable', { name: u.fullName })}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
        {setStatus.error && <ErrorMessage error={setStatus.error} />}
      </section>
    </AdminPage>
  );
}

type PopulationFields = { population: string; asOf: string; source: string };

function PopulationForm({ area }: { area: Schemas['AreaView'] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { register, handleSubmit, formState } = useForm<PopulationFields>({
    defaultValues: { population: '', asOf: '', source: '' },
  });
  const save = useMutation({
    mutationFn: async (v: PopulationFields) =>
      unwrap(
        await api.PUT('/api/v1/areas/{code}/populations/{asOf}', {
          params: { path: { code: area.code, asOf: v.asOf } },
          body: { population: Number(v.population), source: v.source.trim() },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'areas'] }),
  });
  const id = `pop-${area.code}`;
  return (
    <form onSubmit={(e) => void handleSubmit((v) => save.mutate(v))(e)} noValidate className="columns">
      <div className="field">
        <label htmlFor={`${id}-value`}>{t('staff.admin.population', { name: area.name })}</label>
        <input
          id={`${id}-value`}
          inputMode="numeric"
          aria-invalid={!!formState.errors.population}
          {...register('population', { required: true, pattern: /^[1-9]\d*$/ })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-asof`}>{t('staff.admin.asOf')}</label>
        <input id={`${id}-asof`} type="date" aria-invalid={!!formState.errors.asOf} {...register('asOf', { required: true })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-source`}>{t('staff.admin.source')}</label>
        <input id={`${id}-source`} aria-invalid={!!formState.errors.source} {...register('source', { required: true })} />
      </div>
      {(formState.errors.population || formState.errors.asOf || formState.errors.source) && (
        <span className="field-error">{t('staff.admin.populationInvalid')}</span>
      )}
      {save.error && <ErrorMessage error={save.error} />}
      {save.isSuccess && <p role="status">{t('staff.admin.saved')}</p>}
      <div>
        <button type="submit" disabled={save.isPending}>
          {t('staff.admin.savePopulation')}
        </button>
      </div>
    </form>
  );
}

/** Population figures per area with their source; one unit edited at a time. */
export function AdminPopulation() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const areas = useQuery({
    queryKey: ['admin', 'areas', q],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/areas', { params: { query: { limit: 100, ...(q.trim() ? { q: q.trim() } : {}) } } })),
  });
  return (
    <AdminPage title={t('staff.admin.sections.population')}>
      <p className="muted">{t('staff.admin.populationHelp')}</p>
      <div className="field">
        <label htmlFor="area-q">{t('staff.admin.search')}</label>
        <input id="area-q" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <QueryView query={areas}>
        {(page) => (
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('staff.admin.sections.population')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('staff.admin.area')}</th>
                  <th scope="col" className="num">
                    {t('staff.admin.populationShort')}
                  </th>
                  <th scope="col">{t('staff.admin.source')}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((a) => (
                  <tr key={a.code}>
                    <td>
                      {a.name} <span className="muted">{a.code}</span>
                      <br />
                      <button
                        type="button"
                        className="link-button"
                        aria-expanded={open === a.code}
                        onClick={() => setOpen(open === a.code ? null : a.code)}
                      >
                        {t('staff.admin.enterPopulation', { name: a.name })}
                      </button>
                      {open === a.code && <PopulationForm area={a} />}
                    </td>
                    <td className="num">{a.population ? formatNumber(a.population.value) : '—'}</td>
                    <td>
                      {a.population
                        ? t('staff.admin.sourceLine', { source: a.population.source, date: formatDate(a.population.asOf) })
                        : t('staff.admin.noFigure')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </AdminPage>
  );
}

/** The audit log with filters, and the chain's verification said plainly at the top. */
export function AdminAudit() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState({ action: '', entityType: '', from: '', to: '' });
  const { register, handleSubmit } = useForm({ defaultValues: filters });
  const verify = useQuery({ queryKey: ['audit', 'verify'], queryFn: async () => unwrap(await api.GET('/api/v1/audit/verify')) });
  const entries = useQuery({
    queryKey: ['audit', 'list', filters],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/audit', {
          params: {
            query: {
              limit: 50,
              ...(filters.action ? { action: filters.action } : {}),
              ...(filters.entityType ? { entityType: filters.entityType } : {}),
              ...(filters.from ? { from: `${filters.from}T00:00:00+07:00` } : {}),
              ...(filters.to ? { to: `${filters.to}T00:00:00+07:00` } : {}),
            },
          },
        }),
      ),
  });
  return (
    <AdminPage title={t('staff.admin.sections.audit')}>
      <section aria-labelledby="chain-heading" className="boxed">
        <h2 id="chain-heading">{t('staff.admin.chain')}</h2>
        <QueryView query={verify}>{(v) => <ChainStatus verification={v} />}</QueryView>
        <p className="muted">{t('staff.admin.chainHelp')}</p>
      </section>
      <form onSubmit={(e) => void handleSubmit((v) => setFilters(v))(e)} className="filters">
        <div className="field">
          <label htmlFor="audit-action">{t('staff.admin.action')}</label>
          <input id="audit-action" {...register('action')} />
        </div>
        <div className="field">
          <label htmlFor="audit-entity">{t('staff.admin.entityType')}</label>
          <input id="audit-entity" {...register('entityType')} />
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t('staff.admin.from')}</label>
          <input id="audit-from" type="date" {...register('from')} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t('staff.admin.to')}</label>
          <input id="audit-to" type="date" {...register('to')} />
        </div>
        <div>
          <button type="submit">{t('staff.admin.filter')}</button>
        </div>
      </form>
      <QueryView query={entries}>
        {(page) => (
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('staff.admin.sections.audit')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('staff.admin.seq')}</th>
                  <th scope="col">{t('staff.admin.when')}</th>
                  <th scope="col">{t('staff.admin.action')}</th>
                  <th scope="col">{t('staff.admin.entityType')}</th>
                  <th scope="col">{t('staff.admin.actor')}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => (
                  <tr key={e.id}>
                    <td>{e.seq}</td>
                    <td>{formatDateTime(e.occurredAt)}</td>
                    <td>{e.action}</td>
                    <td>
                      {e.entityType} <span className="hash">{e.entityId ?? ''}</span>
                    </td>
                    <td>
                      {e.actorRole
                        ? t(`staff.admin.roles.${e.actorRole}`, { defaultValue: e.actorRole })
                        : t('staff.admin.system')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </AdminPage>
  );
}
