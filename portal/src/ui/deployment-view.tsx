import type { Deployment, StackEvent } from "@switchyard/client";
import { Badge, formatTime } from "./kit.js";

/** Each resource once, in the order it first moved, with its latest state and reason. */
export function resourceStates(events: StackEvent[]): StackEvent[] {
  const latest = new Map<string, StackEvent>();
  for (const e of events) latest.set(e.logicalId, e);
  return [...latest.values()];
}

export function DeploymentSummary({ deployment }: { deployment: Deployment }) {
  return (
    <div className="stack">
      <p className="actions-row">
        <Badge status={deployment.status} />
        <span>
          {deployment.kind === "deploy"
            ? `Deploy of version ${deployment.configVersion}`
            : deployment.kind === "rollback"
              ? `Rollback to version ${deployment.configVersion}`
              : deployment.kind === "teardown"
                ? "Teardown"
                : `Continued rollback to version ${deployment.configVersion}`}
        </span>
        <span className="muted small">
          {formatTime(deployment.createdAt)}
          {deployment.finishedAt ? ` → ${formatTime(deployment.finishedAt)}` : ""}
        </span>
        {deployment.noop ? <span className="muted small">(nothing changed)</span> : null}
      </p>
      {deployment.reason ? (
        <div className={deployment.status === "FAILED" ? "problem" : "notice"}>
          <p>
            <strong>{deployment.status === "FAILED" ? "Why it failed" : "Note"}:</strong> {deployment.reason}
          </p>
        </div>
      ) : null}
    </div>
  );
}

export function ResourceTable({ events, label }: { events: StackEvent[]; label: string }) {
  const rows = resourceStates(events);
  if (rows.length === 0) return <p className="muted">No resource has moved yet.</p>;
  return (
    <div className="table-wrap event-log">
      <table aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Type</th>
            <th scope="col">State</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.logicalId}>
              <td className="mono">{e.logicalId}</td>
              <td className="muted small">{e.resourceType}</td>
              <td>
                <Badge status={e.status} />
              </td>
              <td className="small">{e.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
