import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Route, Switch, useLocation } from 'wouter';
import { call, setCsrfToken } from './api';
import { AuditPage } from './pages/audit-page';
import { ComparePage } from './pages/compare-page';
import { DriftPage } from './pages/drift-page';
import { ExperimentPage } from './pages/experiment-page';
import { ExperimentsPage } from './pages/experiments-page';
import { LearningPage } from './pages/learning-page';
import { ModelPage } from './pages/model-page';
import { ModelsPage } from './pages/models-page';
import { NotFoundPage } from './pages/not-found-page';
import { MonitorPage } from './pages/monitor-page';
import { OverviewPage } from './pages/overview-page';
import { PipelinePage } from './pages/pipeline-page';
import { SignInPage } from './pages/sign-in-page';
import { SESSION_KEY, SessionProvider, useSession } from './session';

/**
 * The pages, one URL each. To add a page: a component in pages/, a <Route> here and, when it
 * belongs in the navigation, an entry in NAV.
 */
const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/models', label: 'Models' },
  { href: '/experiments', label: 'Experiments' },
  { href: '/drift', label: 'Drift' },
  { href: '/learning', label: 'Learning' },
  { href: '/audit', label: 'Audit log' },
];

function Header() {
  const session = useSession();
  const client = useQueryClient();
  const [location, navigate] = useLocation();
  const signOut = useMutation({
    mutationFn: () => call('/session', { method: 'DELETE' }),
    onSettled: () => {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(SESSION_KEY, null);
      navigate('/sign-in');
    },
  });
  return (
    <header className="top">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <span className="brand">Modelyard</span>
      <nav aria-label="Main">
        {NAV.map((item) => {
          const current = item.href === '/' ? location === '/' : location.startsWith(item.href);
          return (
            <Link key={item.href} href={item.href} aria-current={current ? 'page' : undefined}>
              {item.label}
            </Link>
          );
        })}
      </nav>
      <span className="who" data-testid="who">
        {session.who.id} · {session.who.roles.join(', ') || 'no role'}
      </span>
      <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out
      </button>
    </header>
  );
}

function SignedIn() {
  return (
    <>
      <Header />
      <main id="main">
        <Switch>
          <Route path="/" component={OverviewPage} />
          <Route path="/models" component={ModelsPage} />
          <Route path="/models/:name/compare">{(params) => <ComparePage name={decodeURIComponent(params.name)} />}</Route>
          <Route path="/models/:name">{(params) => <ModelPage name={decodeURIComponent(params.name)} />}</Route>
          <Route path="/experiments" component={ExperimentsPage} />
          <Route path="/experiments/:key">{(params) => <ExperimentPage experimentKey={decodeURIComponent(params.key)} />}</Route>
          <Route path="/drift" component={DriftPage} />
          <Route path="/drift/:id">{(params) => <MonitorPage id={decodeURIComponent(params.id)} />}</Route>
          <Route path="/learning" component={LearningPage} />
          <Route path="/learning/:id">{(params) => <PipelinePage id={decodeURIComponent(params.id)} />}</Route>
          <Route path="/audit" component={AuditPage} />
          <Route path="/sign-in" component={OverviewPage} />
          <Route component={NotFoundPage} />
        </Switch>
      </main>
    </>
  );
}

export function App() {
  return (
    <SessionProvider signIn={<SignInPage />}>
      <SignedIn />
    </SessionProvider>
  );
}
