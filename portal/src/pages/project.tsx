import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation, useParams } from "wouter";
import { useCaller } from "../caller.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { ConfirmByTyping } from "../ui/confirm.js";
import { Badge, formatTime, InputField, Loading, Section } from "../ui/kit.js";
import { ProblemView } from "../ui/problem.js";
import { ProjectHeader } from "../ui/project-header.js";
import { ListView, Table } from "../ui/table.js";

/** A project: its stages (open one, or a new one by name), its latest config, and deletion. */
export default function ProjectPage() {
  const { project } = useParams<{ project: string }>();
  const client = useClient();
  const { data: me } = useCaller();
  const [, navigate] = useLocation();
  const [stageName, setStageName] = useState("");

  const info = useQuery({
    queryKey: ["project", project],
    queryFn: () => client.projects.get({ path: { project } }),
  });
  const stages = useQuery({
    queryKey: ["stages", project],
    queryFn: () => client.stages.list({ path: { project } }),
    enabled: info.isSuccess,
    refetchInterval: (q) => (q.state.data?.items.some((s) => s.currentDeploymentId) ? 2_000 : false),
  });
  const remove = useMutation({
    mutationFn: () => client.projects.delete({ path: { project } }),
    onSuccess: () => navigate("/projects"),
  });

  if (info.error) {
    return (
      <div className="page">
        <ProjectHeader project={project} />
        <ProblemView error={info.error} />
      </div>
    );
  }
  const latest = info.data?.latestVersion;
  return (
    <div className="page">
      <ProjectHeader project={project} subtitle={info.data ? `Team ${info.data.team}` : undefined} />
      <div className="grid-2">
        <Section title="Stages">
          <ListView query={stages} what="stages" empty="No stage has been deployed yet.">
            {(items) => (
              <Table columns={["Stage", "Status", "Version", "Updated"]}>
                {items.map((s) => (
                  <tr key={s.stage}>
                    <td>
                      <Link href={`/projects/${project}/stages/${s.stage}`}>{s.stage}</Link>
                    </td>
                    <td>
                      <Badge status={s.status} />
                      {s.needsAction ? <span className="badge badge-bad">needs action</span> : null}
                    </td>
                    <td>{s.deployedConfigVersion ? `v${s.deployedConfigVersion}` : "—"}</td>
                    <td>{formatTime(s.updatedAt)}</td>
                  </tr>
                ))}
              </Table>
            )}
          </ListView>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              navigate(`/projects/${project}/stages/${stageName.trim()}`);
            }}
          >
            <InputField
              label="Open a stage"
              hint="2–12 of a–z, 0–9 and “-”, e.g. dev or prod."
              required
              pattern="[a-z0-9\-]{2,12}"
              value={stageName}
              onChange={setStageName}
            />
            <button type="submit" className="button">
              Open stage
            </button>
          </form>
        </Section>
        <Section
          title="Config"
          actions={
            <Link href={`/projects/${project}/config`} className="button small">
              {can(me, "config.save") ? "Edit config" : "View config"}
            </Link>
          }
        >
          {info.isPending ? (
            <Loading what="the project" />
          ) : latest ? (
            <p>
              Latest version: <strong>v{latest}</strong>
            </p>
          ) : (
            <p className="empty">No config yet. Write the first version in the config editor.</p>
          )}
          {info.data ? (
            <p className="muted small">
              Created {formatTime(info.data.createdAt)} by {info.data.createdBy}
            </p>
          ) : null}
        </Section>
      </div>
      {can(me, "project.delete") ? (
        <Section title="Delete the project">
          <p className="muted">
            Deletes the project with every config version. Tear its deployed stages down first.
          </p>
          <ConfirmByTyping
            word={project}
            action="Delete project"
            busy={remove.isPending}
            onConfirm={() => remove.mutate()}
          />
          <ProblemView error={remove.error} />
        </Section>
      ) : null}
    </div>
  );
}
