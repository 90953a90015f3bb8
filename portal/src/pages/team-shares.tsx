import type { BusShare, RevokedBusShare } from "@switchyard/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCaller } from "../caller.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { ConfirmByTyping } from "../ui/confirm.js";
import { CopyButton, Field, formatTime, InlineForm, Section } from "../ui/kit.js";
import { ProblemView } from "../ui/problem.js";
import { type Column, ListView, Table } from "../ui/table.js";

const ACCESS = ["subscribe", "publish"] as const;
type Access = (typeof ACCESS)[number];

/**
 * The team's bus shares: the buses it shared with other teams (share one, revoke one after typing
 * the other team's name) and the buses other teams shared with it, with what its configs put in
 * `eventBusArn` (give one back after typing its owner's name). Any member reads them; maintainers
 * and admins share, revoke and give back.
 */
export function TeamShares({ team }: { team: string }) {
  const client = useClient();
  const { data: me } = useCaller();
  const mayManage = can(me, "shares.manage") && (me?.platformAdmin || me?.team === team);
  const given = useQuery({
    queryKey: ["shares", team, "given"],
    queryFn: () => client.shares.listGiven({ path: { team } }),
  });
  const held = useQuery({
    queryKey: ["shares", team, "held"],
    queryFn: () => client.shares.listHeld({ path: { team } }),
  });
  const actions: Column[] = mayManage ? [{ hidden: "Actions" }] : [];

  return (
    <>
      {mayManage ? <GrantShare team={team} /> : null}
      <Section title="Buses shared by this team">
        <ListView query={given} what="shares given" empty="This team has shared no bus.">
          {(items) => (
            <Table columns={["Bus", "Shared with", "Access", "Since", ...actions]}>
              {items.map((share) => (
                <GivenRow key={share.id} team={team} share={share} mayRevoke={mayManage} />
              ))}
            </Table>
          )}
        </ListView>
      </Section>
      <Section title="Buses shared with this team">
        <ListView query={held} what="shares held" empty="No bus is shared with this team.">
          {(items) => (
            <>
              <p className="muted">
                Name one in a config's <code>eventBusArn</code> by its reference or its ARN.
              </p>
              <Table columns={["Bus (eventBusArn)", "Owner", "Access", "Since", ...actions]}>
                {items.map((share) => (
                  <tr key={share.id}>
                    <td>
                      <span className="mono">{share.ref}</span>{" "}
                      <CopyButton value={share.ref} label={`Copy the reference of ${share.ref}`} />
                      <div className="muted small mono">
                        {share.arn} <CopyButton value={share.arn} label={`Copy the ARN of ${share.ref}`} />
                      </div>
                    </td>
                    <td>{share.owner}</td>
                    <td>{share.access.join(", ")}</td>
                    <td>{formatTime(share.createdAt)}</td>
                    {mayManage ? (
                      <td>
                        <EndShare team={team} share={share} side="held" />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </Table>
            </>
          )}
        </ListView>
      </Section>
    </>
  );
}

function GrantShare({ team }: { team: string }) {
  const client = useClient();
  const queries = useQueryClient();
  const [form, setForm] = useState({ project: "", stage: "", bus: "", sharedWith: "" });
  const [access, setAccess] = useState<Access[]>(["subscribe"]);
  const grant = useMutation({
    mutationFn: () =>
      client.shares.grant({
        path: { team },
        body: {
          project: form.project.trim(),
          stage: form.stage.trim(),
          bus: form.bus.trim(),
          sharedWith: form.sharedWith.trim(),
          access,
        },
      }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["shares", team] }),
  });
  const text = (key: keyof typeof form, label: string, hint?: string) => (
    <Field label={label} hint={hint}>
      {(id, hintId) => (
        <input
          id={id}
          aria-describedby={hintId}
          required
          autoComplete="off"
          spellCheck={false}
          value={form[key]}
          onChange={(e) => setForm({ ...form, [key]: e.target.value })}
        />
      )}
    </Field>
  );
  return (
    <Section title="Share a bus">
      <p className="muted">
        Let another team attach rules to one of this team's deployed buses (subscribe), send events to it
        (publish), or both.
      </p>
      <InlineForm onSubmit={() => grant.mutate()}>
        {text("project", "Project")}
        {text("stage", "Stage")}
        {text("bus", "Bus", "Its resource name in the config.")}
        {text("sharedWith", "With team")}
        <fieldset className="checks">
          <legend>Access</legend>
          {ACCESS.map((a) => (
            <label key={a}>
              <input
                type="checkbox"
                checked={access.includes(a)}
                onChange={(e) => setAccess(e.target.checked ? [...access, a] : access.filter((x) => x !== a))}
              />{" "}
              {a}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button primary" disabled={grant.isPending || access.length === 0}>
          Share bus
        </button>
      </InlineForm>
      <ProblemView error={grant.error} />
      {grant.data ? (
        <p className="success" role="status">
          Shared <span className="mono">{grant.data.ref}</span> with team {grant.data.sharedWith} to{" "}
          {grant.data.access.join(" and ")}.
        </p>
      ) : null}
    </Section>
  );
}

function GivenRow({ team, share, mayRevoke }: { team: string; share: BusShare; mayRevoke: boolean }) {
  return (
    <tr>
      <td>
        <span className="mono">{share.ref}</span>
        <div className="muted small mono">{share.arn}</div>
      </td>
      <td>{share.sharedWith}</td>
      <td>{share.access.join(", ")}</td>
      <td>{formatTime(share.createdAt)}</td>
      {mayRevoke ? (
        <td>
          <EndShare team={team} share={share} side="given" />
        </td>
      ) : null}
    </tr>
  );
}

/**
 * Ends a share after typing the other team's name: the owner revokes it (`given`), the holder gives
 * it back (`held`). Then says which of the holder's stages still use it.
 */
function EndShare({ team, share, side }: { team: string; share: BusShare; side: "given" | "held" }) {
  const client = useClient();
  const queries = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const end = useMutation({
    mutationFn: () =>
      side === "given"
        ? client.shares.revoke({ path: { team, id: share.id } })
        : client.shares.giveBack({ path: { team, id: share.id } }),
  });
  const other = side === "given" ? share.sharedWith : share.owner;
  const verb = side === "given" ? "Revoke" : "Give back";
  if (end.data) {
    return (
      <EndedNote
        result={end.data}
        onClose={() => queries.invalidateQueries({ queryKey: ["shares", team] })}
      />
    );
  }
  if (!confirming) {
    return (
      <button
        type="button"
        className="button small danger"
        aria-label={
          side === "given"
            ? `Revoke the share of ${share.ref} with ${other}`
            : `Give back the share of ${share.ref} from ${other}`
        }
        onClick={() => setConfirming(true)}
      >
        {verb}
      </button>
    );
  }
  return (
    <>
      <ConfirmByTyping
        word={other}
        action={`${verb} share`}
        busy={end.isPending}
        onConfirm={() => end.mutate()}
      />
      <button type="button" className="button small" onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <ProblemView error={end.error} />
    </>
  );
}

/** What ending a share left behind: the holder's stages whose rules stay until they deploy again or tear down. */
function EndedNote({ result, onClose }: { result: RevokedBusShare; onClose: () => void }) {
  return (
    <div className="success" role="status">
      <p>
        <strong>Ended.</strong>{" "}
        {result.stillUsedBy.length
          ? `Still used by ${result.share.sharedWith}'s ${result.stillUsedBy.map((s) => `${s.project}/${s.stage}`).join(", ")}: those rules stay until the stage is deployed again or torn down.`
          : `No stage of ${result.share.sharedWith} uses it.`}
      </p>
      <button type="button" className="button small" onClick={onClose}>
        Done
      </button>
    </div>
  );
}
