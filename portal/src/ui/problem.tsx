/** Every error the API returns, in words a person understands, with the problem's details. */
import { SwitchyardError } from "@switchyard/client";

const LEADS: Record<number, string> = {
  400: "The request was not accepted.",
  401: "Your API key was not accepted. Sign out and sign in with a valid key.",
  403: "Your role does not allow this.",
  404: "It does not exist, or it belongs to another team.",
  405: "This action is not available here.",
  409: "This conflicts with the current state.",
  412: "Someone changed this meanwhile. Reload and try again.",
  413: "This is too large.",
  415: "The request was sent in a form the API does not take.",
  422: "This cannot be done as given.",
  429: "Too many requests. Wait a moment and try again.",
  501: "This server cannot do this.",
};

export function problemLead(error: unknown): string {
  if (error instanceof SwitchyardError) {
    return LEADS[error.status] ?? (error.status >= 500 ? "The server failed. Try again later." : error.title);
  }
  if (error instanceof TypeError) return "The Switchyard API could not be reached. Check your connection.";
  return "Something went wrong.";
}

export function ProblemView({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const problem = error instanceof SwitchyardError ? error : undefined;
  return (
    <div className="problem" role="alert">
      <p className="problem-lead">
        <strong>{title ?? problemLead(error)}</strong>
      </p>
      {problem ? (
        <>
          <p className="problem-detail">
            {problem.title !== problemLead(error) ? `${problem.title}: ` : ""}
            {problem.detail}
          </p>
          {problem.errors.length > 0 ? (
            <ul className="problem-items">
              {problem.errors.map((item, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed for this error
                <li key={i}>
                  {item.path ? <code>{item.path}</code> : null}
                  {item.line !== undefined ? (
                    <span className="muted">
                      {" "}
                      (line {item.line}
                      {item.column !== undefined ? `, column ${item.column}` : ""})
                    </span>
                  ) : null}
                  {item.path || item.line !== undefined ? ": " : ""}
                  {item.message}
                </li>
              ))}
            </ul>
          ) : null}
          {problem.requestId ? <p className="muted small">Request id: {problem.requestId}</p> : null}
        </>
      ) : error instanceof Error && !(error instanceof TypeError) ? (
        <p className="problem-detail">{error.message}</p>
      ) : null}
    </div>
  );
}
