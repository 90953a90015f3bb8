import { SwitchyardError } from "@switchyard/client";
import { lazy, Suspense } from "react";
import { Link, Redirect, Route, Router, Switch, useLocation } from "wouter";
import { useHashLocation } from "wouter/use-hash-location";
import { useCaller } from "./caller.js";
import { ProjectsPage } from "./pages/projects.js";
import { SignInPage } from "./pages/sign-in.js";
import { useSession } from "./session.js";
import { Loading } from "./ui/kit.js";
import { ProblemView } from "./ui/problem.js";

// Pages beyond the first load on first visit; the editors (CodeMirror) load with the pages that use them.
const ProjectPage = lazy(() => import("./pages/project.js"));
const ConfigPage = lazy(() => import("./pages/config.js"));
const StagePage = lazy(() => import("./pages/stage.js"));
const BusPage = lazy(() => import("./pages/bus.js"));
const TeamPage = lazy(() => import("./pages/team.js"));
const TeamsPage = lazy(() => import("./pages/teams.js"));

export function App() {
  const { session } = useSession();
  return <Router hook={useHashLocation}>{session ? <SignedIn /> : <SignInPage />}</Router>;
}

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation();
  const current = location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} className="nav-link" aria-current={current ? "page" : undefined}>
      {children}
    </Link>
  );
}

function SignedIn() {
  const { signOut } = useSession();
  const caller = useCaller();
  const me = caller.data;
  // A key revoked meanwhile: back to the sign-in page, saying why.
  if (caller.error instanceof SwitchyardError && caller.error.status === 401) {
    return <SignInPage notice="Your API key is no longer accepted. Sign in again." />;
  }
  return (
    <>
      {/* Routes live in the URL's hash, so skipping moves focus instead of following "#main". */}
      <button type="button" className="skip-link" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header className="topbar">
        <Link href="/projects" className="brand" aria-label="Switchyard home">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>Switchyard</span>
        </Link>
        <nav aria-label="Main">
          <NavLink href="/projects">Projects</NavLink>
          {me?.team ? <NavLink href="/team">Team</NavLink> : null}
          {me?.platformAdmin ? <NavLink href="/teams">Teams</NavLink> : null}
        </nav>
        <section className="whoami" aria-label="Signed in as">
          {me ? (
            <>
              <span className="whoami-name">{me.name}</span>
              <span className="whoami-role">
                {me.platformAdmin ? "platform admin" : `${me.role} · ${me.team}`}
              </span>
            </>
          ) : null}
          <button type="button" className="button small ghost" onClick={signOut}>
            Sign out
          </button>
        </section>
      </header>
      <main id="main" tabIndex={-1}>
        {caller.error ? <ProblemView error={caller.error} /> : null}
        {me ? (
          <Suspense fallback={<Loading what="the page" />}>
            <Switch>
              <Route path="/projects" component={ProjectsPage} />
              <Route path="/projects/:project" component={ProjectPage} />
              <Route path="/projects/:project/config" component={ConfigPage} />
              <Route path="/projects/:project/stages/:stage" component={StagePage} />
              <Route path="/projects/:project/stages/:stage/buses/:bus" component={BusPage} />
              <Route path="/team" component={TeamPage} />
              <Route path="/teams" component={TeamsPage} />
              <Route path="/teams/:team" component={TeamPage} />
              <Route>
                <Redirect to="/projects" replace />
              </Route>
            </Switch>
          </Suspense>
        ) : caller.isPending ? (
          <Loading what="your account" />
        ) : null}
      </main>
    </>
  );
}
