import {
  type BusDeliveryCounts,
  type BusRule,
  type Delivery,
  type DeliveryCounts,
  type Replay,
  SwitchyardError,
} from "@switchyard/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { Link, useParams } from "wouter";
import { useCaller } from "../caller.js";
import { entryFromPattern, envelopeOf, publishTemplate } from "../event-template.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { Badge, CopyButton, Field, formatTime, InlineForm, InputField, Loading, Section } from "../ui/kit.js";
import { Pager, usePages } from "../ui/pager.js";
import { ProblemView } from "../ui/problem.js";
import { ProjectHeader } from "../ui/project-header.js";
import { ListView, Table } from "../ui/table.js";
import { type BusPath, DeadLetters, FailureDrills, useRefreshDeliveries } from "./bus-failures.js";

const CodeEditor = lazy(() => import("../editor/code-editor.js"));

const patternOf = (rule: BusRule): unknown =>
  typeof rule.eventPattern === "string" ? safeParse(rule.eventPattern) : rule.eventPattern;

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export default function BusPage() {
  const params = useParams<{ project: string; stage: string; bus: string }>();
  const { project, stage, bus } = params;
  const path = { project, stage, bus };
  const client = useClient();
  const { data: me } = useCaller();

  const stageInfo = useQuery({
    queryKey: ["stage", project, stage],
    queryFn: () => client.stages.get({ path: { project, stage } }),
  });
  const rules = useQuery({
    queryKey: ["rules", project, stage, bus],
    queryFn: () => client.buses.rules({ path }),
  });
  const ruleList = rules.data?.rules ?? [];

  return (
    <div className="page">
      <ProjectHeader project={project} title={`Bus ${bus}`} subtitle={`Stage ${stage}`} />
      <p className="breadcrumbs">
        <Link href={`/projects/${project}/stages/${stage}`}>← Stage {stage}</Link>
      </p>
      <ProblemView error={stageInfo.error ?? rules.error} />
      <div className="grid-2">
        <Section title="Rules">
          {rules.isPending ? (
            <Loading what="rules" />
          ) : ruleList.length === 0 ? (
            <p className="empty">No rule on this bus: nothing subscribes to it yet.</p>
          ) : (
            <div className="stack">
              {ruleList.map((rule) => (
                <details key={rule.name}>
                  <summary>
                    <span className="mono">{rule.name}</span> <Badge status={rule.state} />
                  </summary>
                  <p className="small muted">Pattern</p>
                  <pre>{JSON.stringify(patternOf(rule), null, 2)}</pre>
                  <p className="small muted">Targets</p>
                  <ul>
                    {rule.targets.map((t) => (
                      <li key={t.id} className="small mono">
                        {t.id}: {t.arn}
                      </li>
                    ))}
                  </ul>
                </details>
              ))}
            </div>
          )}
        </Section>
        <ArchiveCard
          project={project}
          stage={stage}
          bus={bus}
          archiveArn={stageInfo.data?.outputs[bus]?.archiveArn}
          version={stageInfo.data?.deployedConfigVersion}
        />
      </div>
      {/* The editors start from the rules' patterns, so they wait for the rules. */}
      {rules.isPending ? null : (
        <div className="grid-2">
          {can(me, "bus.publish") ? <Publish path={path} rules={ruleList} /> : null}
          <TestPattern path={path} rules={ruleList} />
        </div>
      )}
      {rules.isPending ? null : <FailureDrills path={path} rules={ruleList} />}
      <Deliveries path={path} rules={ruleList} />
      <DeadLetters path={path} />
      <Replays path={path} rules={ruleList} hasArchive={Boolean(stageInfo.data?.outputs[bus]?.archiveArn)} />
    </div>
  );
}

/** The archive as deployed: its ARN from the stage's outputs, its retention from the deployed config. */
function ArchiveCard({
  project,
  bus,
  archiveArn,
  version,
}: {
  project: string;
  stage: string;
  bus: string;
  archiveArn: string | undefined;
  version: number | undefined;
}) {
  const client = useClient();
  const config = useQuery({
    queryKey: ["config", project, version],
    enabled: version !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => client.configs.get({ path: { project, version: version! } }),
  });
  const resources = (config.data?.config.resources ?? {}) as Record<
    string,
    { properties?: { archivation?: { retentionDays?: number } } }
  >;
  const retention = resources[bus]?.properties?.archivation?.retentionDays;
  return (
    <Section title="Archive">
      {archiveArn ? (
        <dl className="kv">
          <dt>ARN</dt>
          <dd>{archiveArn}</dd>
          <CopyButton value={archiveArn} label={`Copy ${bus} archiveArn`} />
          <dt>Retention</dt>
          <dd>{config.isPending ? "…" : retention ? `${retention} days` : "kept indefinitely"}</dd>
          <span />
        </dl>
      ) : (
        <p className="empty">
          This bus has no archive, so nothing can be replayed. Turn on <code>archivation</code> for it in the
          config and deploy again.
        </p>
      )}
    </Section>
  );
}

function TemplatePicker({ rules, onPick }: { rules: BusRule[]; onPick: (rule: BusRule) => void }) {
  if (rules.length === 0) return null;
  return (
    <Field label="Start from a rule's pattern">
      {(id) => (
        <select
          id={id}
          defaultValue=""
          onChange={(e) => {
            const rule = rules.find((r) => r.name === e.target.value);
            if (rule) onPick(rule);
          }}
        >
          <option value="" disabled>
            Choose a rule…
          </option>
          {rules.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Publish({ path, rules }: { path: BusPath; rules: BusRule[] }) {
  const client = useClient();
  const refresh = useRefreshDeliveries(path);
  const first = rules[0];
  const [text, setText] = useState<string | undefined>();
  useEffect(() => {
    if (text === undefined) setText(publishTemplate(entryFromPattern(first ? patternOf(first) : undefined)));
  }, [text, first]);
  const parsed = useMemo(() => (text === undefined ? undefined : safeParse(text)), [text]);
  const publish = useMutation({
    // The editor's text is sent as written, so every number in a detail keeps its digits.
    mutationFn: () =>
      client.buses.publish({ path, body: parsed as { entries: [] }, bodySerializer: () => text! }),
    // What the bus did with the events: delivered, failed by a drill, dead-lettered.
    onSuccess: refresh,
  });
  return (
    <Section title="Publish a test event">
      <TemplatePicker
        rules={rules}
        onPick={(rule) => setText(publishTemplate(entryFromPattern(patternOf(rule))))}
      />
      {text === undefined ? null : (
        <Suspense fallback={<Loading what="the editor" />}>
          <CodeEditor
            value={text}
            onChange={(v) => {
              setText(v);
              publish.reset();
            }}
            language="json"
            label="Events to publish (JSON: entries with source, detail-type and detail)"
            short
            problems={parsed === undefined ? [{ line: 1, message: "This is not valid JSON yet." }] : []}
          />
        </Suspense>
      )}
      <div className="actions-row editor-status">
        <button
          type="button"
          className="button primary"
          disabled={parsed === undefined || publish.isPending}
          onClick={() => publish.mutate()}
        >
          {publish.isPending ? "Publishing…" : "Publish"}
        </button>
      </div>
      <ProblemView error={publish.error} />
      {publish.data ? (
        <ul
          className={publish.data.failedEntryCount > 0 ? "problem" : "success"}
          aria-label="Publish results"
        >
          {publish.data.entries.map((entry, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one result per entry sent, in order
            <li key={i}>
              {"eventId" in entry ? (
                <>
                  Published: event <code>{entry.eventId}</code>
                </>
              ) : (
                <>
                  Refused ({entry.errorCode}): {entry.errorMessage}
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

function TestPattern({ path, rules }: { path: BusPath; rules: BusRule[] }) {
  const client = useClient();
  const first = rules[0];
  const [pattern, setPattern] = useState<string | undefined>();
  const [event, setEvent] = useState<string | undefined>();
  useEffect(() => {
    if (pattern !== undefined) return;
    const p = first ? patternOf(first) : { source: ["my.app"] };
    setPattern(`${JSON.stringify(p, null, 2)}\n`);
    setEvent(envelopeOf(entryFromPattern(p)));
  }, [pattern, first]);
  const test = useMutation({
    // Both as text: the matcher then sees the numbers exactly as written.
    mutationFn: () => client.patterns.test({ body: { pattern: pattern!, event: event! } }),
  });
  const match = useMutation({
    mutationFn: () => {
      const parsed = safeParse(event!) as { source: string; "detail-type": string };
      return client.buses.match({
        path,
        body: { event: parsed },
        bodySerializer: () => `{"event":${event}}`,
      });
    },
  });
  const reset = () => {
    test.reset();
    match.reset();
  };
  return (
    <Section title="Test a pattern">
      <TemplatePicker
        rules={rules}
        onPick={(rule) => {
          const p = patternOf(rule);
          setPattern(`${JSON.stringify(p, null, 2)}\n`);
          setEvent(envelopeOf(entryFromPattern(p)));
          reset();
        }}
      />
      {pattern === undefined || event === undefined ? null : (
        <Suspense fallback={<Loading what="the editor" />}>
          <div className="stack">
            <CodeEditor
              value={pattern}
              onChange={(v) => {
                setPattern(v);
                reset();
              }}
              language="json"
              label="Event pattern (JSON)"
              short
            />
            <CodeEditor
              value={event}
              onChange={(v) => {
                setEvent(v);
                reset();
              }}
              language="json"
              label="Event (JSON)"
              short
            />
          </div>
        </Suspense>
      )}
      <div className="actions-row editor-status">
        <button
          type="button"
          className="button primary"
          disabled={test.isPending}
          onClick={() => test.mutate()}
        >
          Test the pattern
        </button>
        <button
          type="button"
          className="button"
          disabled={match.isPending || safeParse(event ?? "") === undefined}
          onClick={() => match.mutate()}
        >
          Which rules of this bus match?
        </button>
      </div>
      <div aria-live="polite">
        {test.data ? (
          <p className={test.data.matches ? "success" : "notice"}>
            {test.data.matches
              ? "Matches: EventBridge would deliver this event to the rule."
              : "Does not match: EventBridge would not deliver this event."}
          </p>
        ) : null}
        {test.error instanceof SwitchyardError && test.error.status === 400 ? (
          <ProblemView error={test.error} title="EventBridge refuses this pattern or event" />
        ) : (
          <ProblemView error={test.error} />
        )}
        {match.data ? (
          <p className="success">
            {match.data.rules.length === 0
              ? "No rule of this bus matches."
              : `Matching rules: ${match.data.rules.map((r) => r.name).join(", ")}`}
          </p>
        ) : null}
        <ProblemView error={match.error} />
      </div>
    </Section>
  );
}

function Deliveries({ path, rules }: { path: BusPath; rules: BusRule[] }) {
  const client = useClient();
  const [rule, setRule] = useState("");
  const deliveries = useQuery({
    queryKey: ["deliveries", path.project, path.stage, path.bus, rule],
    queryFn: () => client.buses.deliveries({ path, query: { limit: 50, ...(rule ? { rule } : {}) } }),
    // Deliveries arrive as events flow: the list follows them (not on AWS, where there is none).
    refetchInterval: (q) => (unobservable(q.state.error) ? false : 2_000),
    retry: (failures, error) => !unobservable(error) && failures < 3,
  });
  const counts = useQuery({
    queryKey: ["deliveries", path.project, path.stage, path.bus, "counts", rule],
    queryFn: () => client.buses.deliveryCounts({ path, query: rule ? { rule } : {} }),
    refetchInterval: 10_000,
  });
  return (
    <Section
      title="Deliveries"
      actions={
        <div className="search">
          <label htmlFor="delivery-rule" className="visually-hidden">
            Rule
          </label>
          <select id="delivery-rule" value={rule} onChange={(e) => setRule(e.target.value)}>
            <option value="">Every rule</option>
            {rules.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      }
    >
      <ProblemView error={counts.error} />
      {counts.data ? <CountsTable counts={counts.data} /> : null}
      {unobservable(deliveries.error) ? (
        <p className="muted small">
          On AWS, EventBridge keeps no record of single deliveries: the counts above are CloudWatch's.
        </p>
      ) : (
        <p className="muted small">What each target received, newest first; refreshed every 2 seconds.</p>
      )}
      <ListView
        query={{ ...deliveries, error: unobservable(deliveries.error) ? null : deliveries.error }}
        what="deliveries"
        empty={`Nothing delivered yet${rule ? ` by ${rule}` : ""}.`}
      >
        {(items) => (
          <Table label="Deliveries" columns={["Delivered", "Rule → target", "Event", "Input"]}>
            {items.map((d) => (
              <tr key={d.id}>
                <td>
                  {formatTime(d.deliveredAt)}
                  {d.outcome ? <Outcome delivery={d} /> : null}
                </td>
                <td className="small">
                  <span className="mono">{d.rule}</span> → <span className="mono">{d.targetId}</span>
                </td>
                <td className="small">
                  <code>{d.eventId}</code>
                  {d.replayName ? (
                    <div>
                      <span className="badge badge-busy">replayed</span>{" "}
                      <span className="mono">{d.replayName}</span>
                    </div>
                  ) : null}
                </td>
                <td className="wrap">
                  <pre>{d.input}</pre>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </ListView>
    </Section>
  );
}

/** The deliveries list on AWS: 501, as EventBridge records no single deliveries. */
const unobservable = (error: unknown) => error instanceof SwitchyardError && error.status === 501;

const COUNT_NAMES = ["matched", "delivered", "failed", "deadLettered", "throttled"] as const;

/** Per rule, then per target, what the window (the last hour) counted; "–" where AWS counts per rule only. */
function CountsTable({ counts }: { counts: BusDeliveryCounts }) {
  const cells = (c: DeliveryCounts | undefined) => COUNT_NAMES.map((k) => <td key={k}>{c ? c[k] : "–"}</td>);
  return (
    <Table
      label="Delivery counts, last hour"
      columns={["Last hour", "Matched", "Delivered", "Failed", "Dead-lettered", "Throttled"]}
    >
      {counts.rules.flatMap((r) => [
        <tr key={r.rule}>
          <td className="small mono">{r.rule}</td>
          {cells(r.counts)}
        </tr>,
        ...r.targets.map((t) => (
          <tr key={`${r.rule}/${t.targetId}`}>
            <td className="small">
              → <span className="mono">{t.targetId}</span>
            </td>
            {cells(t.counts)}
          </tr>
        )),
      ])}
    </Table>
  );
}

const OUTCOME_TONE = { delivered: "busy", failed: "bad", "dead-lettered": "bad" } as const;

/** A delivery whose attempts failed (a failure drill): how it ended, after how many, and why. */
function Outcome({ delivery: d }: { delivery: Delivery }) {
  return (
    <div className="small">
      <span className={`badge badge-${OUTCOME_TONE[d.outcome!]}`}>
        {d.outcome} after {d.attempts} attempt(s)
      </span>
      {d.error ? (
        <div>
          <code>{d.error.code}</code>: {d.error.message}
        </div>
      ) : null}
    </div>
  );
}

/** A local datetime-input value (no seconds, no zone) for a Date. */
function localInput(d: Date): string {
  const shifted = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

const ACTIVE_REPLAY = new Set(["STARTING", "RUNNING", "CANCELLING"]);

function Replays({ path, rules, hasArchive }: { path: BusPath; rules: BusRule[]; hasArchive: boolean }) {
  const client = useClient();
  const queries = useQueryClient();
  const { data: me } = useCaller();
  const pages = usePages();
  const listKey = ["replays", path.project, path.stage, path.bus];
  const replays = useQuery({
    queryKey: [...listKey, pages.cursor],
    queryFn: () =>
      client.replays.list({ path, query: { limit: 10, ...(pages.cursor ? { cursor: pages.cursor } : {}) } }),
    // Followed every second while one of them runs.
    refetchInterval: (q) => (q.state.data?.items.some((r) => ACTIVE_REPLAY.has(r.state)) ? 1_000 : false),
  });
  const [from, setFrom] = useState(() => localInput(new Date(Date.now() - 60 * 60_000)));
  const [to, setTo] = useState(() => localInput(new Date(Date.now() + 60_000)));
  const [onlyRule, setOnlyRule] = useState("");
  const start = useMutation({
    mutationFn: () =>
      client.replays.create({
        path,
        body: {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          ...(onlyRule ? { rules: [onlyRule] } : {}),
        },
      }),
    onSuccess: () => {
      pages.reset();
      return queries.invalidateQueries({ queryKey: listKey });
    },
  });
  return (
    <Section title="Replays">
      {!hasArchive ? (
        <p className="empty">Replays need an archive on this bus.</p>
      ) : can(me, "replay.start") ? (
        <InlineForm onSubmit={() => start.mutate()}>
          <InputField label="From" type="datetime-local" required value={from} onChange={setFrom} />
          <InputField label="To" type="datetime-local" required value={to} onChange={setTo} />
          <Field label="Rules">
            {(id) => (
              <select id={id} value={onlyRule} onChange={(e) => setOnlyRule(e.target.value)}>
                <option value="">Every rule</option>
                {rules.map((r) => (
                  <option key={r.name} value={r.name}>
                    {r.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="button primary" disabled={start.isPending}>
            Start replay
          </button>
        </InlineForm>
      ) : null}
      <ProblemView error={start.error} />
      <ListView query={replays} what="replays" empty="No replay of this bus yet.">
        {(items) => (
          <ul className="stack" aria-label="Replays">
            {items.map((replay) => (
              <ReplayRow key={replay.name} path={path} replay={replay} />
            ))}
          </ul>
        )}
      </ListView>
      {pages.page > 1 || replays.data?.nextCursor ? (
        <Pager pages={pages} nextCursor={replays.data?.nextCursor} labels={["Newer", "Older"]} />
      ) : null}
    </Section>
  );
}

function ReplayRow({ path, replay: r }: { path: BusPath; replay: Replay }) {
  const client = useClient();
  const queries = useQueryClient();
  const { data: me } = useCaller();
  const cancel = useMutation({
    mutationFn: () => client.replays.cancel({ path: { ...path, name: r.name } }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["replays", path.project, path.stage, path.bus] }),
  });
  const percent = Math.round(r.progress * 100);
  return (
    <li aria-label={`Replay ${r.name}`}>
      <div className="actions-row">
        <span className="mono small">{r.name}</span>
        <Badge status={r.state} />
        <progress max={100} value={percent} aria-label={`Progress of ${r.name}`}>
          {percent}%
        </progress>
        <span className="small">{percent}%</span>
        {(r.state === "STARTING" || r.state === "RUNNING") && can(me, "replay.cancel") ? (
          <button type="button" className="button small danger" onClick={() => cancel.mutate()}>
            Cancel
          </button>
        ) : null}
      </div>
      <p className="muted small">
        events of {formatTime(r.from)} – {formatTime(r.to)}
        {r.rules?.length ? ` for ${r.rules.join(", ")}` : ""}
        {r.lastReplayedEventTime ? `; replayed up to ${formatTime(r.lastReplayedEventTime)}` : ""}
        {r.startedAt ? `; started ${formatTime(r.startedAt)}` : ""}
        {r.startedBy ? ` by key ${r.startedBy}` : ""}
      </p>
      {r.stateReason ? <p className="small muted">{r.stateReason}</p> : null}
      <ProblemView error={cancel.error} />
    </li>
  );
}
