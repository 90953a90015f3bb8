import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useLocation } from "wouter";
import { useCaller } from "../caller.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { formatTime, InlineForm, InputField, Loading, Section } from "../ui/kit.js";
import { Pager, usePages } from "../ui/pager.js";
import { ProblemView } from "../ui/problem.js";
import { Table } from "../ui/table.js";

const PAGE_SIZE = 20;

/** The team's projects: searched by name prefix, paged with the API's cursors. */
export function ProjectsPage() {
  const client = useClient();
  const { data: me } = useCaller();
  const [search, setSearch] = useState("");
  const [prefix, setPrefix] = useState("");
  const pages = usePages();
  const { cursor, reset } = pages;

  // Typing narrows the list after a short pause, not on every key.
  useEffect(() => {
    const t = setTimeout(() => {
      const next = search.trim().toLowerCase();
      setPrefix(next);
      reset();
    }, 250);
    return () => clearTimeout(t);
  }, [search, reset]);
  const validPrefix = /^[a-z0-9-]{1,40}$/.test(prefix) ? prefix : undefined;

  const projects = useQuery({
    queryKey: ["projects", validPrefix ?? "", cursor ?? ""],
    queryFn: () =>
      client.projects.list({
        query: {
          limit: PAGE_SIZE,
          ...(validPrefix ? { prefix: validPrefix } : {}),
          ...(cursor ? { cursor } : {}),
        },
      }),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Projects</h1>
          <p className="muted">
            {me?.platformAdmin ? "Every team's projects." : `Projects of team ${me?.team ?? ""}.`}
          </p>
        </div>
      </div>
      {can(me, "project.create") ? <CreateProject /> : null}
      <Section
        title="All projects"
        actions={
          <div className="search">
            <label htmlFor="project-search" className="visually-hidden">
              Search projects by name
            </label>
            <input
              id="project-search"
              type="search"
              placeholder="Search by name…"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
        }
      >
        {prefix && !validPrefix ? (
          <p className="hint">Project names use a–z, 0–9 and “-”: nothing else matches.</p>
        ) : null}
        <ProblemView error={projects.error} />
        {projects.isPending ? (
          <Loading what="projects" />
        ) : projects.data ? (
          projects.data.items.length === 0 ? (
            <p className="empty">
              {validPrefix ? `No project name starts with “${validPrefix}”.` : "No projects yet."}
            </p>
          ) : (
            <Table columns={["Name", "Team", "Latest config", "Created"]}>
              {projects.data.items.map((p) => (
                <tr key={p.name}>
                  <td>
                    <Link href={`/projects/${p.name}`}>{p.name}</Link>
                  </td>
                  <td>{p.team}</td>
                  <td>{p.latestVersion ? `v${p.latestVersion}` : <span className="muted">none</span>}</td>
                  <td>{formatTime(p.createdAt)}</td>
                </tr>
              ))}
            </Table>
          )
        ) : null}
        <Pager pages={pages} nextCursor={projects.data?.nextCursor} />
      </Section>
    </div>
  );
}

function CreateProject() {
  const client = useClient();
  const queries = useQueryClient();
  const { data: me } = useCaller();
  const [, navigate] = useLocation();
  const [name, setName] = useState("");
  const [team, setTeam] = useState("");
  const create = useMutation({
    mutationFn: () =>
      client.projects.create({
        body: { name: name.trim(), ...(me?.platformAdmin ? { team: team.trim() } : {}) },
      }),
    onSuccess: async (project) => {
      await queries.invalidateQueries({ queryKey: ["projects"] });
      navigate(`/projects/${project.name}`);
    },
  });
  return (
    <Section title="New project">
      <InlineForm onSubmit={() => create.mutate()}>
        <InputField
          label="Project name"
          hint="Up to 40 of a–z, 0–9 and “-”; unique across Switchyard."
          required
          pattern="[a-z0-9\-]{1,40}"
          value={name}
          onChange={setName}
        />
        {me?.platformAdmin ? <InputField label="Team" required value={team} onChange={setTeam} /> : null}
        <button type="submit" className="button primary" disabled={create.isPending}>
          Create project
        </button>
      </InlineForm>
      <ProblemView error={create.error} />
    </Section>
  );
}
