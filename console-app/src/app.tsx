import { useEffect, useState } from 'preact/hooks';
import { adoptPortalToken, api, credential, describeProblem, onUnauthorized, type Problem } from './api-client';
import { Layout } from './layout';
import { DeadLettersPage } from './pages/dead-letters-page';
import { EventPage } from './pages/event-page';
import { EventTypesPage } from './pages/event-types-page';
import { EventsPage } from './pages/events-page';
import { NotFoundPage } from './pages/not-found-page';
import { OverviewPage } from './pages/overview-page';
import { ReplayPage } from './pages/replay-page';
import { SignInPage } from './pages/sign-in-page';
import { SubscriptionPage } from './pages/subscription-page';
import { SubscriptionsPage } from './pages/subscriptions-page';
import { useLocation } from './router';
import { SessionContext, type Me } from './session';

type Session = { state: 'checking' } | { state: 'signed-out'; problem?: Problem | undefined; message?: string } | { state: 'signed-in'; me: Me };

/** The app: a session (who is signed in) and the page its address names. */
export function App() {
  const [session, setSession] = useState<Session>(credential.read() ? { state: 'checking' } : { state: 'signed-out' });
  const { path } = useLocation();

  const check = async () => {
    const { data, error } = await api.GET('/v1/me');
    if (data) return setSession({ state: 'signed-in', me: data });
    credential.clear();
    setSession({ state: 'signed-out', problem: error, message: error ? undefined : describeProblem(undefined) });
  };
  useEffect(() => {
    if (session.state === 'checking') void check();
    // A portal link opened in a tab that is already signed in replaces its session.
    const onHash = () => adoptPortalToken() && setSession({ state: 'checking' });
    addEventListener('hashchange', onHash);
    const stop = onUnauthorized((problem) => {
      credential.clear();
      setSession({ state: 'signed-out', problem });
    });
    return () => {
      removeEventListener('hashchange', onHash);
      stop();
    };
  }, [session.state]);

  if (session.state === 'checking') return <p class="muted centered">Signing in…</p>;
  if (session.state === 'signed-out') {
    return (
      <SignInPage
        problem={session.problem}
        onSignIn={(key) => {
          credential.write(key);
          setSession({ state: 'checking' });
        }}
      />
    );
  }
  const signOut = () => {
    credential.clear();
    setSession({ state: 'signed-out' });
  };
  return (
    <SessionContext.Provider value={session.me}>
      <Layout onSignOut={signOut}>{page(path)}</Layout>
    </SessionContext.Provider>
  );
}

function page(path: string) {
  if (path === '/') return <OverviewPage />;
  if (path === '/events') return <EventsPage />;
  if (path === '/dead-letters') return <DeadLettersPage />;
  if (path === '/subscriptions') return <SubscriptionsPage />;
  if (path === '/replay') return <ReplayPage />;
  if (path === '/event-types') return <EventTypesPage />;
  const event = /^\/events\/(\d{1,19})$/.exec(path);
  if (event) return <EventPage id={event[1]!} />;
  const subscription = /^\/subscriptions\/([^/]{1,128})$/.exec(path);
  if (subscription) return <SubscriptionPage id={decodeURIComponent(subscription[1]!)} />;
  return <NotFoundPage what="page" detail={`There is no console page at ${path}.`} />;
}
