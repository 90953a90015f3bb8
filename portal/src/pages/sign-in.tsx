import { useState } from "react";
import { useSession } from "../session.js";
import { Field } from "../ui/kit.js";
import { ProblemView } from "../ui/problem.js";

export function SignInPage({ notice }: { notice?: string }) {
  const { signIn, signOut } = useSession();
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  return (
    <main id="main" className="sign-in">
      <form
        className="card sign-in-card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await signIn(key.trim());
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width="36" height="36" />
          <h1>Switchyard</h1>
        </div>
        <p className="muted">Event buses for your team: configs, stages, deployments and live buses.</p>
        {notice ? (
          <p className="notice" role="status">
            {notice}{" "}
            <button type="button" className="link-button" onClick={signOut}>
              Forget the old key
            </button>
          </p>
        ) : null}
        <Field
          label="API key"
          hint="Kept in this browser tab only, until you sign out or close the tab. Your platform team issues keys; on a fresh npm start, the platform-admin key is in .switchyard/admin-key (in the data folder, SWITCHYARD_DATA_DIR)."
        >
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              type="password"
              autoComplete="off"
              spellCheck={false}
              required
              placeholder="sy_…"
              value={key}
              onChange={(e) => setKey(e.target.value)}
            />
          )}
        </Field>
        <ProblemView error={error} />
        <button type="submit" className="button primary" disabled={busy || key.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
