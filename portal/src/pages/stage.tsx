import type { Deployment, Preview, RoutingRuleSide } from "@switchyard/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useParams } from "wouter";
import { useCaller } from "../caller.js";
import { useDeploymentStream } from "../deployment-stream.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { ConfirmByTyping } from "../ui/confirm.js";
import { DeploymentSummary, ResourceTable } from "../ui/deployment-view.js";
import { Badge, CopyButton, Field, formatTime, Loading, Section } from "../ui/kit.js";
import { Pager, usePages } from "../ui/pager.js";
import { ProblemView } from "../ui/problem.js";
import { ProjectHeader } from "../ui/project-header.js";
import { ListView, Table } from "../ui/table.js";

const BUS_ARN = /:event-bus\//;

export default function StagePage() {
  const { project, stage } = useParams<{ project: string; stage: string }>();
  const client = useClient();
  const queries = useQueryClient();
  const { data: me } = useCaller();
  // The deployment this page follows live: one it started, or the one running when it opened.
  const [watching, setWatching] = useState<string | undefined>();

  const detail = useQuery({
    queryKey: ["stage", project, stage],
    queryFn: () => client.stages.get({ path: { project, stage } }),
    retry: false,
  });
  const exists = detail.isSuccess;
  const notFound = detail.error && "status" in detail.error && detail.error.status === 404;
  useEffect(() => {
    if (!watching && detail.data?.currentDeploymentId) setWatching(detail.data.currentDeploymentId);
  }, [watching, detail.data?.currentDeploymentId]);

  const refresh = () =>
    Promise.all(
      [
        ["stage", project, stage],
        ["deployments", project, stage],
        ["stages", project],
      ].map((queryKey) => queries.invalidateQueries({ queryKey })),
    );
  const started = (d: Deployment) => {
    setWatching(d.id);
    void refresh();
  };

  const rollback = useMutation({
    mutationFn: () => client.stages.rollback({ path: { project, stage } }),
    onSuccess: started,
  });
  const continueRollback = useMutation({
    mutationFn: () => client.stages.continueRollback({ path: { project, stage } }),
    onSuccess: started,
  });
  const teardown = useMutation({
    mutationFn: () => client.stages.delete({ path: { project, stage } }),
    onSuccess: started,
  });

  const outputs = detail.data?.outputs ?? {};
  const buses = Object.entries(outputs).filter(([, params]) => BUS_ARN.test(params.arn ?? ""));
  const running = Boolean(detail.data?.currentDeploymentId);

  return (
    <div className="page">
      <ProjectHeader
        project={project}
        title={`Stage ${stage}`}
        subtitle={detail.data?.stackName ? `Stack ${detail.data.stackName}` : undefined}
      />
      {detail.error && !notFound ? <ProblemView error={detail.error} /> : null}
      <div className="grid-2">
        <Section title="Status">
          {detail.isPending ? (
            <Loading what="the stage" />
          ) : notFound ? (
            <p className="empty">
              Stage {stage} has not been deployed yet. Preview and deploy a config version.
            </p>
          ) : detail.data ? (
            <div className="stack">
              <p className="actions-row">
                <Badge status={detail.data.status} />
                {detail.data.deployedConfigVersion ? (
                  <span>Runs version {detail.data.deployedConfigVersion}</span>
                ) : null}
                <span className="muted small">updated {formatTime(detail.data.updatedAt)}</span>
              </p>
              {detail.data.needsAction ? (
                <div className="problem" role="alert">
                  <p>
                    <strong>Needs action:</strong> {detail.data.needsAction}
                  </p>
                  {can(me, "stage.continueRollback") ? (
                    <button type="button" className="button" onClick={() => continueRollback.mutate()}>
                      Continue the rollback
                    </button>
                  ) : null}
                </div>
              ) : null}
              <ProblemView error={continueRollback.error} />
              {detail.data.deployed && can(me, "stage.rollback") ? (
                <div className="actions-row">
                  <button
                    type="button"
                    className="button"
                    disabled={running || rollback.isPending}
                    onClick={() => rollback.mutate()}
                  >
                    Roll back to the previous version
                  </button>
                </div>
              ) : null}
              <ProblemView error={rollback.error} />
            </div>
          ) : null}
        </Section>
        <Section title="Outputs">
          {Object.keys(outputs).length === 0 ? (
            <p className="empty">No outputs yet: they appear once the stage is deployed.</p>
          ) : (
            <div className="stack">
              {Object.entries(outputs).map(([resource, params]) => (
                <div key={resource}>
                  <h3>{resource}</h3>
                  <dl className="kv">
                    {Object.entries(params).map(([name, value]) => (
                      <Output key={name} resource={resource} name={name} value={value} />
                    ))}
                  </dl>
                </div>
              ))}
            </div>
          )}
          {buses.length > 0 ? (
            <div className="stack">
              <h3>Live buses</h3>
              <ul>
                {buses.map(([bus]) => (
                  <li key={bus}>
                    <Link href={`/projects/${project}/stages/${stage}/buses/${bus}`}>{bus}</Link>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Section>
      </div>
      {can(me, "stage.deploy") ? (
        <PreviewAndDeploy project={project} stage={stage} busy={running} onStarted={started} />
      ) : null}
      {watching ? <LiveDeployment id={watching} onEnd={refresh} /> : null}
      {detail.data?.deployed && buses.length > 0 ? <Health project={project} stage={stage} /> : null}
      {exists || watching ? <History project={project} stage={stage} onOpen={setWatching} /> : null}
      {detail.data?.deployed && can(me, "stage.teardown") ? (
        <Section title="Tear down">
          <p className="muted">Deletes the stage's stack and everything in it: buses, archives and rules.</p>
          <ConfirmByTyping
            word={stage}
            action="Tear down"
            busy={teardown.isPending || running}
            onConfirm={() => teardown.mutate()}
          />
          <ProblemView error={teardown.error} />
        </Section>
      ) : null}
    </div>
  );
}

/** Per rule of each bus: matched, delivered, failed and dead-lettered, last hour and last day. */
function Health({ project, stage }: { project: string; stage: string }) {
  const client = useClient();
  const health = useQuery({
    queryKey: ["health", project, stage],
    queryFn: () => client.stages.health({ path: { project, stage } }),
    refetchInterval: 10_000,
  });
  const rows = (health.data?.buses ?? []).flatMap((b) => b.rules.map((r) => ({ bus: b.bus, ...r })));
  return (
    <Section title="Health">
      <p className="muted small">Per rule, the last hour / the last day; refreshed every 10 seconds.</p>
      <ProblemView error={health.error} />
      {health.isPending ? (
        <Loading what="health" />
      ) : rows.length === 0 ? (
        <p className="empty">No rule on the stage's buses.</p>
      ) : (
        <Table label="Health" columns={["Rule", "Matched", "Delivered", "Failed", "Dead-lettered"]}>
          {rows.map((r) => (
            <tr key={`${r.bus}/${r.rule}`}>
              <td className="small">
                <span className="mono">{r.rule}</span>
                <div className="muted">bus {r.bus}</div>
              </td>
              {(["matched", "delivered", "failed", "deadLettered"] as const).map((k) => (
                <td key={k}>
                  {r.lastHour[k]} / {r.lastDay[k]}
                </td>
              ))}
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}

function Output({ resource, name, value }: { resource: string; name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
      <CopyButton value={value} label={`Copy ${resource} ${name}`} />
    </>
  );
}

function PreviewAndDeploy({
  project,
  stage,
  busy,
  onStarted,
}: {
  project: string;
  stage: string;
  busy: boolean;
  onStarted: (d: Deployment) => void;
}) {
  const client = useClient();
  const versions = useQuery({
    queryKey: ["configs", project, "picker"],
    queryFn: () => client.configs.list({ path: { project }, query: { limit: 50 } }),
  });
  const [picked, setPicked] = useState<number | undefined>();
  const version = picked ?? versions.data?.items[0]?.version;
  const preview = useMutation({
    mutationFn: () => client.stages.preview({ path: { project, stage }, body: { configVersion: version! } }),
  });
  const deploy = useMutation({
    mutationFn: () =>
      client.deployments.create({ path: { project, stage }, body: { configVersion: version! } }),
    onSuccess: (d) => {
      preview.reset();
      onStarted(d);
    },
  });

  return (
    <Section title="Preview and deploy">
      <ProblemView error={versions.error} />
      {versions.data && versions.data.items.length === 0 ? (
        <p className="empty">
          No config version to deploy. <Link href={`/projects/${project}/config`}>Write one</Link>.
        </p>
      ) : (
        <div className="stack">
          <div className="inline-form">
            <Field label="Config version">
              {(id) => (
                <select
                  id={id}
                  value={version ?? ""}
                  onChange={(e) => {
                    setPicked(Number(e.target.value));
                    preview.reset();
                  }}
                >
                  {versions.data?.items.map((v) => (
                    <option key={v.version} value={v.version}>
                      v{v.version} · {formatTime(v.createdAt)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button
              type="button"
              className="button"
              disabled={!version || preview.isPending}
              onClick={() => preview.mutate()}
            >
              {preview.isPending ? "Previewing…" : "Preview changes"}
            </button>
            <button
              type="button"
              className="button primary"
              disabled={!version || busy || deploy.isPending}
              onClick={() => deploy.mutate()}
            >
              {busy ? "A deployment is running" : `Deploy v${version ?? ""}`}
            </button>
          </div>
          <ProblemView error={preview.error ?? deploy.error} />
          {/* A preview answers for the version it was asked about; a newer pick hides it. */}
          {preview.data && preview.data.configVersion === version ? (
            <PreviewChanges preview={preview.data} />
          ) : null}
        </div>
      )}
    </Section>
  );
}

const ACTION_WORD = { Add: "Add", Modify: "Modify", Remove: "Remove" } as const;

function PreviewChanges({ preview }: { preview: Preview }) {
  const counts = { Add: 0, Modify: 0, Remove: 0 };
  for (const c of preview.changes) counts[c.action]++;
  return (
    <div className="stack">
      <p>
        Version {preview.configVersion} on stack <code>{preview.stackName}</code>:{" "}
        {preview.changes.length === 0
          ? "no changes: the stage already runs exactly this."
          : `${counts.Add} to add, ${counts.Modify} to modify, ${counts.Remove} to remove.`}
      </p>
      {preview.changes.length > 0 ? (
        <Table label="Changes" columns={["Change", "Resource", "Type", "Details"]}>
          {preview.changes.map((c) => (
            <tr key={`${c.action}-${c.logicalId}`}>
              <td className={`change-${c.action.toLowerCase()}`}>
                <strong>
                  {c.action === "Add" ? "+ " : c.action === "Remove" ? "− " : "~ "}
                  {ACTION_WORD[c.action]}
                </strong>
              </td>
              <td className="mono">{c.logicalId}</td>
              <td className="muted small">{c.resourceType}</td>
              <td className="small">
                {c.replacement && c.replacement !== "False" ? (
                  <span className="badge badge-bad">
                    {c.replacement === "True" ? "replaced" : "may be replaced"}
                  </span>
                ) : null}{" "}
                {c.properties?.length ? `changes ${c.properties.join(", ")}` : ""}
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
      <RoutingChanges routing={preview.routing} />
      {preview.warnings.length > 0 ? (
        <ul className="notice">
          {preview.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

const CHANGE_MARK = { added: "+ Added", changed: "~ Changed", removed: "− Removed" } as const;

function RuleSideView({ side }: { side: RoutingRuleSide }) {
  return (
    <>
      <pre>
        {side.eventPattern !== undefined
          ? JSON.stringify(side.eventPattern, null, 2)
          : (side.scheduleExpression ?? "no pattern")}
      </pre>
      <div className="small">
        {side.state !== "ENABLED" ? <span className="badge">{side.state}</span> : null}
        {side.targets.map((t) => (
          <div key={t.id} className="mono">
            → {t.id}: {t.arn}
          </div>
        ))}
      </div>
    </>
  );
}

/** The event rules the version changes, and what the bus's recent events say about each. */
function RoutingChanges({ routing }: { routing: Preview["routing"] }) {
  if (routing.rules.length === 0) return <p className="muted small">No event rule changes.</p>;
  return (
    <div className="stack">
      <h3>Routing</h3>
      <Table label="Routing diff" columns={["Rule", "Before", "After", "Recent events"]}>
        {routing.rules.map((r) => (
          <tr key={r.rule}>
            <td>
              <strong
                className={`change-${r.change === "added" ? "add" : r.change === "removed" ? "remove" : "modify"}`}
              >
                {CHANGE_MARK[r.change]}
              </strong>
              <div className="mono small">{r.rule}</div>
              <div className="muted small">bus {(r.after ?? r.before)?.bus}</div>
              {r.changed ? <div className="muted small">changes {r.changed.join(", ")}</div> : null}
            </td>
            <td className="wrap">{r.before ? <RuleSideView side={r.before} /> : "—"}</td>
            <td className="wrap">{r.after ? <RuleSideView side={r.after} /> : "—"}</td>
            <td className="small">
              {r.sample ? (
                <>
                  <div>
                    of {r.sample.events}: {r.sample.matchedBefore} matched before, {r.sample.matchedAfter}{" "}
                    after
                  </div>
                  {r.sample.examples.length > 0 ? (
                    <details>
                      <summary>{r.sample.examples.length} event(s) routed differently</summary>
                      {r.sample.examples.map((e, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: examples have no id of their own
                        <div key={i}>
                          <div>{e.matchedBefore ? "stops matching" : "starts matching"}</div>
                          <pre>{JSON.stringify(e.event, null, 2)}</pre>
                        </div>
                      ))}
                    </details>
                  ) : null}
                </>
              ) : (
                "not evaluated"
              )}
            </td>
          </tr>
        ))}
      </Table>
      {routing.samples.map((s) => (
        <p key={s.bus} className="muted small">
          Bus {s.bus}: {s.events} recent event(s) from{" "}
          {s.source === "delivery-log" ? "the delivery log" : `the ${s.source}`}
          {s.note ? `. ${s.note}` : "."}
        </p>
      ))}
    </div>
  );
}

function LiveDeployment({ id, onEnd }: { id: string; onEnd: () => void }) {
  const client = useClient();
  const stream = useDeploymentStream(id);
  const initial = useQuery({
    queryKey: ["deployment", id],
    queryFn: () => client.deployments.get({ path: { id } }),
  });
  const ended = stream.final;
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;
  useEffect(() => {
    if (ended) onEndRef.current();
  }, [ended]);
  const deployment = ended ?? initial.data;
  return (
    <Section title={ended ? "Deployment" : "Deployment in progress"}>
      <div aria-live="polite" className="stack">
        {deployment ? <DeploymentSummary deployment={deployment} /> : <Loading what="the deployment" />}
        {!ended && deployment && (deployment.status === "PENDING" || deployment.status === "IN_PROGRESS") ? (
          <p className="muted small">Following it live…</p>
        ) : null}
      </div>
      <ResourceTable events={stream.events} label="Resources of the deployment" />
      {stream.error && !ended ? <ProblemView error={stream.error} /> : null}
    </Section>
  );
}

function History({
  project,
  stage,
  onOpen,
}: {
  project: string;
  stage: string;
  onOpen: (id: string) => void;
}) {
  const client = useClient();
  const pages = usePages();
  const cursor = pages.cursor;
  const list = useQuery({
    queryKey: ["deployments", project, stage, cursor ?? ""],
    queryFn: () =>
      client.deployments.list({
        path: { project, stage },
        query: { limit: 10, ...(cursor ? { cursor } : {}) },
      }),
  });
  return (
    <Section title="Deployment history">
      <ListView query={list} what="deployments" empty="No deployment yet.">
        {(items) => (
          <Table
            label="Deployment history"
            columns={["Started", "Kind", "Version", "Status", "Reason", { hidden: "Details" }]}
          >
            {items.map((d) => (
              <tr key={d.id}>
                <td>{formatTime(d.createdAt)}</td>
                <td>{d.kind}</td>
                <td>{d.configVersion ? `v${d.configVersion}` : "—"}</td>
                <td>
                  <Badge status={d.status} />
                </td>
                <td className="small">{d.reason ?? ""}</td>
                <td>
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Show deployment ${d.id}`}
                    onClick={() => onOpen(d.id)}
                  >
                    Show
                  </button>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </ListView>
      <Pager pages={pages} nextCursor={list.data?.nextCursor} labels={["Newer", "Older"]} />
    </Section>
  );
}
