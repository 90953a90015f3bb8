import type { ApiKey } from "@switchyard/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "wouter";
import { useCaller } from "../caller.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { Badge, CopyButton, Field, formatTime, InlineForm, InputField, Loading, Section } from "../ui/kit.js";
import { Pager, usePages } from "../ui/pager.js";
import { ProblemView } from "../ui/problem.js";
import { ListView, Table } from "../ui/table.js";
import { TeamShares } from "./team-shares.js";

const ROLES = ["viewer", "deployer", "maintainer", "admin"] as const;

/**
 * A team's page: its API keys (issue one, its secret shown once; revoke one), for team admins and
 * platform admins, and its bus shares, given and held, for every member.
 */
export default function TeamPage() {
  const params = useParams<{ team?: string }>();
  const { data: me } = useCaller();
  const team = params.team ?? me?.team;
  if (!team) {
    return (
      <div className="page">
        <h1>Team</h1>
        <p className="empty">
          A platform-admin key belongs to no team: open one from <Link href="/teams">Teams</Link>.
        </p>
      </div>
    );
  }
  return (
    <>
      <TeamKeys team={team} />
      <TeamAudit team={team} />
    </>
  );
}

const AUDIT_ACTIONS = [
  "project.create",
  "project.delete",
  "config.create",
  "deployment.deploy",
  "deployment.rollback",
  "deployment.teardown",
  "deployment.continue-rollback",
  "replay.start",
  "replay.cancel",
  "failure-drill.set",
  "failure-drill.clear",
  "dead-letters.redrive",
  "dead-letters.purge",
  "api-key.create",
  "api-key.revoke",
  "bus-share.grant",
  "bus-share.revoke",
  "allowed-resources.update",
  "global-alarms.update",
  "team.create",
] as const;

/** The team's audit record, newest first: for its maintainers and admins, and platform admins. */
function TeamAudit({ team }: { team: string }) {
  const client = useClient();
  const { data: me } = useCaller();
  const mayRead = can(me, "audit.read") && (me?.platformAdmin || me?.team === team);
  const pages = usePages();
  const [action, setAction] = useState("");
  const [project, setProject] = useState("");
  const cursor = pages.cursor;
  const filter = { ...(action ? { action } : {}), ...(project.trim() ? { project: project.trim() } : {}) };
  const audit = useQuery({
    queryKey: ["audit", team, action, project.trim(), cursor ?? ""],
    enabled: mayRead,
    queryFn: () =>
      client.teams.listAudit({
        path: { team },
        query: { limit: 20, ...filter, ...(cursor ? { cursor } : {}) },
      }),
  });
  if (!mayRead) return null;
  return (
    <div className="page">
      <Section
        title="Audit record"
        actions={
          <div className="search">
            <label htmlFor="audit-project" className="visually-hidden">
              Audit record of project
            </label>
            <input
              id="audit-project"
              placeholder="Project"
              value={project}
              onChange={(e) => {
                setProject(e.target.value);
                pages.reset();
              }}
            />
            <label htmlFor="audit-action" className="visually-hidden">
              Audit record of action
            </label>
            <select
              id="audit-action"
              value={action}
              onChange={(e) => {
                setAction(e.target.value);
                pages.reset();
              }}
            >
              <option value="">Every action</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
        }
      >
        <p className="muted small">Every change of state in the team: who, when, what, and the request id.</p>
        <ListView
          query={audit}
          what="the audit record"
          empty={<>Nothing recorded{action || project ? " that matches" : ""}.</>}
        >
          {(items) => (
            <Table label="Audit record" columns={["When", "Action", "What", "Who", "Request"]}>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>{formatTime(e.at)}</td>
                  <td className="mono small">{e.action}</td>
                  <td className="small">
                    {e.project ? <div>project {e.project}</div> : null}
                    <span className="mono">
                      {Object.entries(e.target)
                        .map(([k, v]) => `${k}: ${v}`)
                        .join(", ")}
                    </span>
                  </td>
                  <td className="small">
                    {e.actor.name}
                    <div className="muted mono">
                      {e.actor.platformAdmin ? "platform admin" : e.actor.keyId}
                    </div>
                  </td>
                  <td className="mono small">{e.requestId}</td>
                </tr>
              ))}
            </Table>
          )}
        </ListView>
        <Pager pages={pages} nextCursor={audit.data?.nextCursor} />
      </Section>
    </div>
  );
}

function TeamKeys({ team }: { team: string }) {
  const client = useClient();
  const queries = useQueryClient();
  const { data: me } = useCaller();
  const mayManage = can(me, "keys.manage") && (me?.platformAdmin || me?.team === team);
  const pages = usePages();
  const cursor = pages.cursor;
  const keys = useQuery({
    queryKey: ["keys", team, cursor ?? ""],
    enabled: mayManage,
    queryFn: () =>
      client.apiKeys.list({ path: { team }, query: { limit: 20, ...(cursor ? { cursor } : {}) } }),
  });
  const [name, setName] = useState("");
  const [role, setRole] = useState<(typeof ROLES)[number]>("deployer");
  const create = useMutation({
    mutationFn: () => client.apiKeys.create({ path: { team }, body: { name: name.trim(), role } }),
    onSuccess: () => {
      setName("");
      return queries.invalidateQueries({ queryKey: ["keys", team] });
    },
  });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => client.apiKeys.revoke({ path: { team, keyId: key.keyId } }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["keys", team] }),
  });

  return (
    <div className="page">
      <div className="page-header">
        <div>
          {me?.platformAdmin ? (
            <nav className="breadcrumbs" aria-label="Breadcrumbs">
              <Link href="/teams">Teams</Link>
            </nav>
          ) : null}
          <h1>Team {team}</h1>
          <p className="muted">API keys of the team's people and tools, and the buses it shares.</p>
        </div>
      </div>
      <TeamShares team={team} />
      {!mayManage ? (
        <p className="empty">Only the team's admins manage its API keys.</p>
      ) : (
        <>
          <Section title="Issue a key">
            <InlineForm onSubmit={() => create.mutate()}>
              <InputField
                label="Key name"
                hint="Who or what uses it, e.g. “ci” or a person's name."
                required
                maxLength={100}
                value={name}
                onChange={setName}
              />
              <Field label="Role">
                {(id) => (
                  <select
                    id={id}
                    value={role}
                    onChange={(e) => setRole(e.target.value as (typeof ROLES)[number])}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <button type="submit" className="button primary" disabled={create.isPending}>
                Issue key
              </button>
            </InlineForm>
            <ProblemView error={create.error} />
            {create.data ? (
              <div className="success" role="status">
                <p>
                  <strong>Key “{create.data.name}” issued.</strong> Copy its secret now: it is shown only this
                  once.
                </p>
                <div className="secret">
                  <code>{create.data.secret}</code>
                  <CopyButton value={create.data.secret} label="Copy the new key's secret" />
                </div>
              </div>
            ) : null}
          </Section>
          <Section title="Keys">
            <ProblemView error={keys.error ?? revoke.error} />
            {keys.isPending ? (
              <Loading what="keys" />
            ) : keys.data?.items.length ? (
              <Table columns={["Name", "Role", "Created", "State", { hidden: "Actions" }]}>
                {keys.data.items.map((k) => (
                  <tr key={k.keyId}>
                    <td>
                      {k.name}
                      <div className="muted small mono">{k.keyId}</div>
                    </td>
                    <td>{k.role}</td>
                    <td>{formatTime(k.createdAt)}</td>
                    <td>
                      {k.revokedAt ? (
                        <Badge status="DELETED" label="revoked" />
                      ) : (
                        <Badge status="ENABLED" label="active" />
                      )}
                    </td>
                    <td>
                      {k.revokedAt ? null : (
                        <button
                          type="button"
                          className="button small danger"
                          aria-label={`Revoke key ${k.name}`}
                          disabled={revoke.isPending || k.keyId === me?.keyId}
                          title={k.keyId === me?.keyId ? "This is the key you are signed in with" : undefined}
                          onClick={() => revoke.mutate(k)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </Table>
            ) : (
              <p className="empty">No keys yet.</p>
            )}
            <Pager pages={pages} nextCursor={keys.data?.nextCursor} />
          </Section>
        </>
      )}
    </div>
  );
}
