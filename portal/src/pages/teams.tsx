import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { useCaller } from "../caller.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { formatTime, InlineForm, InputField, Section } from "../ui/kit.js";
import { Pager, usePages } from "../ui/pager.js";
import { ProblemView } from "../ui/problem.js";
import { ListView, Table } from "../ui/table.js";

/** Platform admins: every team, and a new one (then its first key from the team's page). */
export default function TeamsPage() {
  const client = useClient();
  const queries = useQueryClient();
  const { data: me } = useCaller();
  const pages = usePages();
  const cursor = pages.cursor;
  const teams = useQuery({
    queryKey: ["teams", cursor ?? ""],
    queryFn: () => client.teams.list({ query: { limit: 20, ...(cursor ? { cursor } : {}) } }),
  });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => client.teams.create({ body: { name: name.trim() } }),
    onSuccess: () => {
      setName("");
      return queries.invalidateQueries({ queryKey: ["teams"] });
    },
  });
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Teams</h1>
          <p className="muted">Each team owns its projects; its keys decide who may do what.</p>
        </div>
      </div>
      {can(me, "teams.manage") ? (
        <Section title="New team">
          <InlineForm onSubmit={() => create.mutate()}>
            <InputField
              label="Team name"
              hint="Up to 40 of a–z, 0–9 and “-”."
              required
              pattern="[a-z0-9\-]{1,40}"
              value={name}
              onChange={setName}
            />
            <button type="submit" className="button primary" disabled={create.isPending}>
              Create team
            </button>
          </InlineForm>
          <ProblemView error={create.error} />
          {create.data ? (
            <p className="success" role="status">
              Team {create.data.name} created.{" "}
              <Link href={`/teams/${create.data.name}`}>Issue its first key</Link>.
            </p>
          ) : null}
        </Section>
      ) : null}
      <Section title="All teams">
        <ListView query={teams} what="teams" empty="No teams yet.">
          {(items) => (
            <Table columns={["Team", "Created"]}>
              {items.map((t) => (
                <tr key={t.name}>
                  <td>
                    <Link href={`/teams/${t.name}`}>{t.name}</Link>
                    {t.description ? <div className="muted small">{t.description}</div> : null}
                  </td>
                  <td>{formatTime(t.createdAt)}</td>
                </tr>
              ))}
            </Table>
          )}
        </ListView>
        <Pager pages={pages} nextCursor={teams.data?.nextCursor} />
      </Section>
    </div>
  );
}
