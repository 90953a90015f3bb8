/**
 * Recording a change of state in the audit record, from a route: who (the caller's key), when, the
 * request id, what and to what. Routes call it after the change took effect. Entries never hold
 * secrets: a target names things, details say what changed (never a key's secret or a config body).
 */
import type { AppDeps } from "../deps.js";
import type { AppVariables } from "../http/env.js";
import { auditActor, type NewAuditEntry } from "../store/audit.js";

export interface AuditEvent extends Pick<NewAuditEntry, "action" | "target" | "details" | "project"> {
  /** The teams whose record it goes into (usually the one team it concerns). */
  teams: readonly string[];
}

export async function recordAudit(
  c: { var: Pick<AppVariables, "caller" | "requestId"> },
  deps: Pick<AppDeps, "store" | "now">,
  event: AuditEvent,
): Promise<void> {
  const { teams, ...what } = event;
  await deps.store.audit.record(teams, {
    ...what,
    at: deps.now().toISOString(),
    actor: auditActor(c.var.caller),
    requestId: c.var.requestId,
  });
}
