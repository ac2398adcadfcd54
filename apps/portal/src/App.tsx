import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { Link, NavLink, Route, Routes } from 'react-router';
import { api, unwrap } from './api/client';
import { Loading } from './components';
import { LANGUAGES } from './i18n';
import { SessionProvider, useSession } from './session';

// Each page is its own chunk: the first load carries only the shell and the page opened.
const Home = lazy(() => import('./pages/Home'));
const Problems = lazy(() => import('./pages/Problems'));
const Problem = lazy(() => import('./pages/Problem'));
const Enterprises = lazy(() => import('./pages/Enterprises'));
const Enterprise = lazy(() => import('./pages/Enterprise'));
const Indicators = lazy(() => import('./pages/Indicators'));
const SignIn = lazy(() => import('./pages/SignIn'));
const Register = lazy(() => import('./pages/Register'));
const SetPassword = lazy(() => import('./pages/SetPassword'));
const ConfirmRegistration = lazy(() => import('./pages/ConfirmRegistration'));
const Notifications = lazy(() => import('./pages/Notifications'));
const Proposal = lazy(() => import('./pages/Proposal'));
const MyProposals = lazy(() => import('./pages/MyProposals'));
const FirmStatus = lazy(() => import('./pages/FirmStatus'));
const SubmitProposal = lazy(() => import('./pages/ProposalForm').then((m) => ({ default: m.SubmitProposal })));
const ReviseProposal = lazy(() => import('./pages/ProposalForm').then((m) => ({ default: m.ReviseProposal })));
const ForYou = lazy(() => import('./pages/ForYou'));
const NotFound = lazy(() => import('./pages/NotFound'));
// Staff pages: each role's pages in their own chunks, never on a public page's first load.
const OfficeHome = lazy(() => import('./pages/staff/OfficeHome'));
const NewProblem = lazy(() => import('./pages/staff/ProblemEditor').then((m) => ({ default: m.NewProblem })));
const EditProblem = lazy(() => import('./pages/staff/ProblemEditor').then((m) => ({ default: m.EditProblem })));
const ManageProblem = lazy(() => import('./pages/staff/ManageProblem'));
const MyPanels = lazy(() => import('./pages/staff/MyPanels'));
const EvaluationTask = lazy(() => import('./pages/staff/EvaluationTask'));
const AdminHome = lazy(() => import('./pages/staff/Admin').then((m) => ({ default: m.AdminHome })));
const AdminFirms = lazy(() => import('./pages/staff/Admin').then((m) => ({ default: m.AdminFirms })));
const AdminAccounts = lazy(() => import('./pages/staff/Admin').then((m) => ({ default: m.AdminAccounts })));
const AdminPopulation = lazy(() => import('./pages/staff/Admin').then((m) => ({ default: m.AdminPopulation })));
const AdminAudit = lazy(() => import('./pages/staff/Admin').then((m) => ({ default: m.AdminAudit })));
const Order = lazy(() => import('./pages/Order'));
const MyOrders = lazy(() => import('./pages/MyOrders'));
const ComplaintReview = lazy(() => import('./pages/ComplaintReview'));
const CatalogueList = lazy(() => import('./pages/Catalogue').then((m) => ({ default: m.CatalogueList })));
const CatalogueEntry = lazy(() => import('./pages/Catalogue').then((m) => ({ default: m.CatalogueEntry })));

/** The unread count in the header, refreshed every minute while signed in. */
function NotificationsLink() {
  const { t } = useTranslation();
  const count = useQuery({
    queryKey: ['notifications', 'count'],
    refetchInterval: 60_000,
    queryFn: async () => unwrap(await api.GET('/api/v1/me/notifications', { params: { query: { limit: 1 } } })).unreadCount,
  });
  const unread = count.data ?? 0;
  return (
    <NavLink to="/notifications">
      {t('nav.notifications')}
      {unread > 0 && (
        <span className="count" aria-label={t('nav.unread', { count: unread })}>
          {' '}
          {unread}
        </span>
      )}
    </NavLink>
  );
}

function Header() {
  const { t, i18n } = useTranslation();
  const { user, signOut, setLanguage } = useSession();
  return (
    <header className="site-header">
      <div className="bar">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.label')}>
          <ul>
            <li>
              <NavLink to="/problems">{t('nav.problems')}</NavLink>
            </li>
            <li>
              <NavLink to="/enterprises">{t('nav.enterprises')}</NavLink>
            </li>
            <li>
              <NavLink to="/catalogue">{t('nav.catalogue')}</NavLink>
            </li>
            <li>
              <NavLink to="/indicators">{t('nav.indicators')}</NavLink>
            </li>
          </ul>
        </nav>
        <div className="tools">
          <label className="language">
            <span className="visually-hidden">{t('nav.language')}</span>
            <select value={i18n.language} onChange={(e) => void setLanguage(e.target.value as (typeof LANGUAGES)[number])}>
              {LANGUAGES.map((lng) => (
                <option key={lng} value={lng}>
                  {t(`languages.${lng}`)}
                </option>
              ))}
            </select>
          </label>
          {user ? (
            <>
              <NotificationsLink />
              {user.role === 'enterprise' && (
                <>
                  <NavLink to="/for-you">{t('nav.forYou')}</NavLink>
                  <NavLink to="/proposals">{t('nav.proposals')}</NavLink>
                  {user.organizationId && <NavLink to={`/enterprises/${user.organizationId}/status`}>{t('nav.firm')}</NavLink>}
                </>
              )}
              {user.role === 'officer' && <NavLink to="/office">{t('nav.office')}</NavLink>}
              {user.role === 'evaluator' && <NavLink to="/evaluation">{t('nav.panels')}</NavLink>}
              {user.role === 'admin' && <NavLink to="/admin">{t('nav.admin')}</NavLink>}
              {(user.role === 'enterprise' || user.role === 'officer') && <NavLink to="/orders">{t('orders.nav')}</NavLink>}
              {user.role === 'admin' && <NavLink to="/admin/complaints">{t('complaints.nav')}</NavLink>}
              <span className="muted">{user.fullName}</span>
              <button type="button" className="link-button" onClick={() => void signOut()}>
                {t('nav.signOut')}
              </button>
            </>
          ) : (
            <>
              <Link to="/register">{t('nav.register')}</Link>
              <Link to="/sign-in">{t('nav.signIn')}</Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

export function App() {
  const { t } = useTranslation();
  return (
    <SessionProvider>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/problems" element={<Problems />} />
            <Route path="/problems/:id" element={<Problem />} />
            <Route path="/enterprises" element={<Enterprises />} />
            <Route path="/enterprises/:id" element={<Enterprise />} />
            <Route path="/enterprises/:id/status" element={<FirmStatus />} />
            <Route path="/notifications" element={<Notifications />} />
            <Route path="/for-you" element={<ForYou />} />
            <Route path="/proposals" element={<MyProposals />} />
            <Route path="/proposals/:id" element={<Proposal />} />
            <Route path="/proposals/:id/revise" element={<ReviseProposal />} />
            <Route path="/problems/:id/propose" element={<SubmitProposal />} />
            <Route path="/indicators" element={<Indicators />} />
            <Route path="/orders" element={<MyOrders />} />
            <Route path="/orders/:id" element={<Order />} />
            <Route path="/admin/complaints" element={<ComplaintReview />} />
            <Route path="/catalogue" element={<CatalogueList />} />
            <Route path="/catalogue/:orderId" element={<CatalogueEntry />} />
            <Route path="/sign-in" element={<SignIn />} />
            <Route path="/register" element={<Register />} />
            <Route path="/register/confirm" element={<ConfirmRegistration />} />
            <Route path="/set-password" element={<SetPassword />} />
            <Route path="/invitation" element={<SetPassword invitation />} />
            <Route path="/office" element={<OfficeHome />} />
            <Route path="/office/problems/new" element={<NewProblem />} />
            <Route path="/office/problems/:id" element={<ManageProblem />} />
            <Route path="/office/problems/:id/edit" element={<EditProblem />} />
            <Route path="/evaluation" element={<MyPanels />} />
            <Route path="/evaluation/:problemId" element={<EvaluationTask />} />
            <Route path="/admin" element={<AdminHome />} />
            <Route path="/admin/firms" element={<AdminFirms />} />
            <Route path="/admin/accounts" element={<AdminAccounts />} />
            <Route path="/admin/population" element={<AdminPopulation />} />
            <Route path="/admin/audit" element={<AdminAudit />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </SessionProvider>
  );
}
