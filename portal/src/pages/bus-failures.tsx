/**
 * When a bus's deliveries fail: failure drills (make a target fail, clear it; embedded default only)
 * and the dead-letter queues of targets with `onDeliveryFailure` (inspect with the error of the last
 * attempt, re-drive selected or all, purge after typing the queue's name). Every role looks;
 * deployers and up drill, re-drive and purge.
 */
import {
  type BusRule,
  type DeadLetterQueue,
  type FailureDrill,
  type SetFailureDrill,
  SwitchyardError,
} from "@switchyard/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCaller } from "../caller.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { ConfirmByTyping } from "../ui/confirm.js";
import { Field, formatTime, InlineForm, InputField, Loading, Section } from "../ui/kit.js";
import { ProblemView } from "../ui/problem.js";
import { ListView, Table } from "../ui/table.js";

export type BusPath = { project: string; stage: string; bus: string };

/** Query keys of what a failed or re-driven delivery changes, so each view reads it again. */
export const failureKeys = (path: BusPath) => ({
  drills: ["drills", path.project, path.stage, path.bus],
  deadLetters: ["dead-letters", path.project, path.stage, path.bus],
  deliveries: ["deliveries", path.project, path.stage, path.bus],
});

/** After a publish, a drill or a redrive: what the bus did next shows in every view. */
export function useRefreshDeliveries(path: BusPath) {
  const queries = useQueryClient();
  return () =>
    Promise.all(Object.values(failureKeys(path)).map((queryKey) => queries.invalidateQueries({ queryKey })));
}

function drillText(d: FailureDrill): string {
  if (d.mode === "always") return "every attempt fails";
  if (d.mode === "probability") return `each attempt fails with probability ${d.probability}`;
  return d.remaining ? `the next ${d.remaining} attempt(s) fail` : "spent: no more attempts fail";
}

const MODES = {
  always: "Every attempt",
  count: "The next N attempts",
  probability: "Each attempt, with a probability",
} as const;

export function FailureDrills({ path, rules }: { path: BusPath; rules: BusRule[] }) {
  const client = useClient();
  const { data: me } = useCaller();
  const mayDrill = can(me, "drill.manage");
  const drills = useQuery({
    queryKey: failureKeys(path).drills,
    queryFn: () => client.drills.list({ path }),
    retry: false,
  });
  // AWS runs no drills (501): said once, instead of an error.
  if (drills.error instanceof SwitchyardError && drills.error.status === 501) {
    return (
      <Section title="Failure drills">
        <p className="empty">Failure drills run on the embedded default only.</p>
      </Section>
    );
  }
  return (
    <Section title="Failure drills">
      <p className="muted small">
        A drill makes deliveries to a target fail, so retries, dead-lettering and redrive can be tried out.
      </p>
      {mayDrill ? <InjectDrill path={path} rules={rules} /> : null}
      <ListView query={drills} what="drills" empty="No failure drill on this bus: deliveries go through.">
        {(items) => (
          <Table
            label="Failure drills"
            columns={[
              "Rule → target",
              "Fails",
              "With",
              "Since",
              ...(mayDrill ? [{ hidden: "Actions" }] : []),
            ]}
          >
            {items.map((d) => (
              <DrillRow key={`${d.rule}/${d.targetId}`} path={path} drill={d} mayClear={mayDrill} />
            ))}
          </Table>
        )}
      </ListView>
    </Section>
  );
}

function DrillRow({ path, drill: d, mayClear }: { path: BusPath; drill: FailureDrill; mayClear: boolean }) {
  const client = useClient();
  const refresh = useRefreshDeliveries(path);
  const clear = useMutation({
    mutationFn: () => client.drills.clear({ path, query: { rule: d.rule, target: d.targetId } }),
    onSuccess: refresh,
  });
  return (
    <tr>
      <td className="small">
        <span className="mono">{d.rule}</span> → <span className="mono">{d.targetId}</span>
      </td>
      <td>{drillText(d)}</td>
      <td className="small">
        <code>{d.errorCode}</code>: {d.errorMessage}
      </td>
      <td>{formatTime(d.createdAt)}</td>
      {mayClear ? (
        <td>
          <button
            type="button"
            className="button small"
            aria-label={`Clear the drill on ${d.rule} → ${d.targetId}`}
            disabled={clear.isPending}
            onClick={() => clear.mutate()}
          >
            Clear
          </button>
          <ProblemView error={clear.error} />
        </td>
      ) : null}
    </tr>
  );
}

function InjectDrill({ path, rules }: { path: BusPath; rules: BusRule[] }) {
  const client = useClient();
  const refresh = useRefreshDeliveries(path);
  const targets = rules.flatMap((r) => r.targets.map((t) => ({ rule: r.name, target: t.id })));
  const [picked, setPicked] = useState(0);
  const [mode, setMode] = useState<SetFailureDrill["mode"]>("always");
  const [count, setCount] = useState("1");
  const [probability, setProbability] = useState("0.5");
  const [errorCode, setErrorCode] = useState("");
  const [errorMessage, setErrorMessage] = useState("");
  const inject = useMutation({
    mutationFn: () => {
      // A redeployment may have taken targets away since the pick: the last one then.
      const { rule, target } = targets[Math.min(picked, targets.length - 1)]!;
      return client.drills.set({
        path,
        body: {
          rule,
          target,
          mode,
          ...(mode === "count" ? { count: Number(count) } : {}),
          ...(mode === "probability" ? { probability: Number(probability) } : {}),
          ...(errorCode.trim() ? { errorCode: errorCode.trim() } : {}),
          ...(errorMessage.trim() ? { errorMessage: errorMessage.trim() } : {}),
        },
      });
    },
    onSuccess: refresh,
  });
  if (targets.length === 0) return <p className="empty">No rule of this bus has a target to drill.</p>;
  return (
    <>
      <InlineForm onSubmit={() => inject.mutate()}>
        <Field label="Target">
          {(id) => (
            <select id={id} value={picked} onChange={(e) => setPicked(Number(e.target.value))}>
              {targets.map((t, i) => (
                <option key={`${t.rule}/${t.target}`} value={i}>
                  {t.rule} → {t.target}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Fail">
          {(id) => (
            <select id={id} value={mode} onChange={(e) => setMode(e.target.value as SetFailureDrill["mode"])}>
              {Object.entries(MODES).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {mode === "count" ? (
          <InputField
            label="Attempts"
            type="number"
            min={1}
            max={10000}
            required
            value={count}
            onChange={setCount}
          />
        ) : null}
        {mode === "probability" ? (
          <InputField
            label="Probability"
            type="number"
            min={0.01}
            max={1}
            step={0.01}
            required
            value={probability}
            onChange={setProbability}
          />
        ) : null}
        <InputField
          label="Error code"
          placeholder="SwitchyardFailureDrill"
          maxLength={64}
          value={errorCode}
          onChange={setErrorCode}
        />
        <InputField label="Error message" maxLength={512} value={errorMessage} onChange={setErrorMessage} />
        <button type="submit" className="button danger" disabled={inject.isPending}>
          Inject failure
        </button>
      </InlineForm>
      <ProblemView error={inject.error} />
    </>
  );
}

export function DeadLetters({ path }: { path: BusPath }) {
  const client = useClient();
  const dead = useQuery({
    queryKey: failureKeys(path).deadLetters,
    queryFn: () => client.deadLetters.list({ path, query: { limit: 50 } }),
    // Dead letters arrive as deliveries fail: the list follows them.
    refetchInterval: 5_000,
  });
  const queues = dead.data?.queues;
  return (
    <Section title="Dead letters">
      <p className="muted small">
        What each target with <code>onDeliveryFailure</code> failed to receive, with the error of the last
        attempt; refreshed every 5 seconds.
      </p>
      <ProblemView error={dead.error} />
      {dead.isPending ? (
        <Loading what="dead letters" />
      ) : queues?.length ? (
        <div className="stack">
          {queues.map((q) => (
            <QueueView key={`${q.rule}/${q.targetId}`} path={path} queue={q} />
          ))}
        </div>
      ) : queues ? (
        <p className="empty">
          No target of this bus has a dead-letter queue: give its subscription <code>onDeliveryFailure</code>{" "}
          in the config to keep what it fails to receive.
        </p>
      ) : null}
    </Section>
  );
}

/** The queue's name: what a purge asks to be typed. */
const queueName = (arn: string) => arn.slice(arn.lastIndexOf(":") + 1);

function QueueView({ path, queue: q }: { path: BusPath; queue: DeadLetterQueue }) {
  const client = useClient();
  const { data: me } = useCaller();
  const mayAct = can(me, "deadLetters.manage");
  const refresh = useRefreshDeliveries(path);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [purging, setPurging] = useState(false);
  const target = { rule: q.rule, target: q.targetId };
  const redrive = useMutation({
    mutationFn: (ids: string[] | undefined) =>
      client.deadLetters.redrive({ path, body: { ...target, ...(ids ? { ids } : {}) } }),
    onSuccess: () => {
      setSelected(new Set());
      return refresh();
    },
  });
  const purge = useMutation({
    mutationFn: () => client.deadLetters.purge({ path, body: target }),
    onSuccess: () => {
      setPurging(false);
      return refresh();
    },
  });
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const name = queueName(q.queueArn);
  return (
    <section className="stack" aria-label={`Dead-letter queue ${name}`}>
      <h3>
        <span className="mono">{q.rule}</span> → <span className="mono">{q.targetId}</span>
      </h3>
      <p className="muted small">
        Queue <span className="mono">{name}</span>: {q.messages.length} message(s)
      </p>
      {q.messages.length === 0 ? null : (
        <Table
          label={`Dead letters of ${name}`}
          columns={[...(mayAct ? [{ hidden: "Select" }] : []), "Sent", "Error", "Attempts", "Event"]}
        >
          {q.messages.map((m) => (
            <tr key={m.id}>
              {mayAct ? (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select message ${m.id}`}
                    checked={selected.has(m.id)}
                    onChange={(e) => toggle(m.id, e.target.checked)}
                  />
                </td>
              ) : null}
              <td>{formatTime(m.sentAt)}</td>
              <td className="small">
                {m.errorCode ? (
                  <>
                    <code>{m.errorCode}</code>: {m.errorMessage}
                  </>
                ) : (
                  <span className="muted">none recorded</span>
                )}
              </td>
              <td>{m.attempts ?? ""}</td>
              <td className="wrap">
                <pre>{m.event}</pre>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {mayAct && q.messages.length > 0 ? (
        <div className="actions-row">
          <button
            type="button"
            className="button primary"
            disabled={selected.size === 0 || redrive.isPending}
            onClick={() => redrive.mutate([...selected])}
          >
            Redrive selected ({selected.size})
          </button>
          <button
            type="button"
            className="button"
            disabled={redrive.isPending}
            onClick={() => redrive.mutate(undefined)}
          >
            Redrive all
          </button>
          <button type="button" className="button danger" onClick={() => setPurging(!purging)}>
            {purging ? "Keep them" : "Purge…"}
          </button>
        </div>
      ) : null}
      {purging ? (
        <ConfirmByTyping
          word={name}
          action="Purge queue"
          busy={purge.isPending}
          onConfirm={() => purge.mutate()}
        />
      ) : null}
      {purge.isSuccess && q.messages.length === 0 ? (
        <p className="success" role="status">
          Purged.
        </p>
      ) : null}
      {redrive.data ? (
        <p className={redrive.data.notFound.length ? "notice" : "success"} role="status">
          Re-drove {redrive.data.redriven} event(s) to the bus.
          {redrive.data.notFound.length
            ? ` Not in the queue any more: ${redrive.data.notFound.join(", ")}.`
            : ""}
        </p>
      ) : null}
      <ProblemView error={redrive.error ?? purge.error} />
    </section>
  );
}
