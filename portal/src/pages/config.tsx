import { SwitchyardError } from "@switchyard/client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { useParams } from "wouter";
import { useCaller } from "../caller.js";
import { useVersionText } from "../config-text.js";
import type { EditorProblem } from "../editor/code-editor.js";
import { can } from "../permissions.js";
import { useClient } from "../session.js";
import { Field, formatTime, Loading, Section } from "../ui/kit.js";
import { ProblemView } from "../ui/problem.js";
import { ProjectHeader } from "../ui/project-header.js";
import { Table } from "../ui/table.js";

// CodeMirror loads with this page's first editor, not with the portal.
const CodeEditor = lazy(() => import("../editor/code-editor.js"));
const DiffView = lazy(() => import("../editor/diff-view.js"));

const STARTER = `# A first config: one event bus that archives what it receives.
resources:
  myEventBus:
    type: event-bus
    properties:
      archivation:
        enabled: true
`;

const VALIDATE_DELAY_MS = 400;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

const isJson = (text: string) => /^\s*[{[]/.test(text);

export default function ConfigPage() {
  const { project } = useParams<{ project: string }>();
  const client = useClient();
  const queries = useQueryClient();
  const { data: me } = useCaller();
  const mayEdit = can(me, "config.save");

  const info = useQuery({
    queryKey: ["project", project],
    queryFn: () => client.projects.get({ path: { project } }),
  });
  const latest = info.data?.latestVersion;
  const latestText = useVersionText(project, latest);

  const [text, setText] = useState<string | undefined>();
  const [loadedVersion, setLoadedVersion] = useState<number | undefined>();
  // The editor starts from the latest version, or from a starter config in a new project.
  useEffect(() => {
    if (text !== undefined || !info.isSuccess) return;
    if (latest === undefined) setText(STARTER);
    else if (latestText.data !== undefined) {
      setText(latestText.data);
      setLoadedVersion(latest);
    }
  }, [text, info.isSuccess, latest, latestText.data]);

  const checked = useDebounced(text, VALIDATE_DELAY_MS);
  const validation = useQuery({
    queryKey: ["validate", project, checked],
    enabled: checked !== undefined && checked.trim() !== "",
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => client.configs.validate({ body: { config: checked!, project } }),
  });
  const invalid = validation.error instanceof SwitchyardError && validation.error.slug === "config-invalid";
  const problems: EditorProblem[] = useMemo(() => {
    if (invalid)
      return (validation.error as SwitchyardError).errors.map((e) => ({ ...e, severity: "error" }));
    return (validation.data?.warnings ?? []).map((w) => ({ ...w, severity: "warning" as const }));
  }, [invalid, validation.error, validation.data]);
  const pending = text !== checked || validation.isFetching;

  const save = useMutation({
    mutationFn: async () => {
      const before = latest;
      const version = await client.configs.create({ path: { project }, body: { config: text! } });
      // The API answers an identical config with the latest version instead of storing a new one.
      return { ...version, unchanged: version.version === before };
    },
    onSuccess: async (version) => {
      setLoadedVersion(version.version);
      queries.setQueryData(["config-text", project, version.version], text);
      await Promise.all([
        queries.invalidateQueries({ queryKey: ["project", project] }),
        queries.invalidateQueries({ queryKey: ["configs", project] }),
      ]);
    },
  });

  return (
    <div className="page">
      <ProjectHeader project={project} />
      <ProblemView error={info.error ?? latestText.error} />
      <Section
        title={loadedVersion ? `Config (from version ${loadedVersion})` : "Config"}
        actions={
          mayEdit ? (
            <button
              type="button"
              className="button primary"
              disabled={text === undefined || save.isPending || invalid || pending}
              onClick={() => save.mutate()}
            >
              {save.isPending ? "Saving…" : "Save as new version"}
            </button>
          ) : null
        }
      >
        {text === undefined ? (
          <Loading what="the config" />
        ) : (
          <Suspense fallback={<Loading what="the editor" />}>
            <CodeEditor
              value={text}
              onChange={(v) => {
                setText(v);
                save.reset();
              }}
              language={isJson(text) ? "json" : "yaml"}
              label={`Config of ${project} (YAML or JSON)`}
              problems={problems}
              readOnly={!mayEdit}
            />
          </Suspense>
        )}
        <div className="editor-status" aria-live="polite">
          {text === undefined ? null : pending ? (
            <span className="muted">Checking…</span>
          ) : invalid ? (
            <span className="badge badge-bad">
              {problems.length} problem{problems.length === 1 ? "" : "s"}
            </span>
          ) : validation.isSuccess ? (
            <span className="badge badge-ok">
              Valid: {Object.keys(validation.data.template.Resources ?? {}).length} CloudFormation resources
            </span>
          ) : null}
          {!mayEdit ? (
            <span className="muted small">Your role may read the config, not change it.</span>
          ) : null}
        </div>
        {invalid ? (
          <ul className="problem-items" aria-label="Problems in the config">
            {problems.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one list per validation answer
              <li key={i}>
                <span className="muted">
                  Line {p.line ?? "?"}
                  {p.column !== undefined ? `, column ${p.column}` : ""}:
                </span>{" "}
                {p.path ? <code>{p.path}</code> : null} {p.message}
              </li>
            ))}
          </ul>
        ) : validation.error ? (
          <ProblemView error={validation.error} />
        ) : problems.length > 0 ? (
          <ul className="problem-items" aria-label="Warnings">
            {problems.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one list per validation answer
              <li key={i}>
                {p.path ? <code>{p.path}</code> : null} {p.message}
              </li>
            ))}
          </ul>
        ) : null}
        {save.isSuccess ? (
          <p className="success" role="status">
            {save.data.unchanged
              ? `Identical to version ${save.data.version}: nothing new was stored.`
              : `Saved as version ${save.data.version}.`}
          </p>
        ) : null}
        <ProblemView error={save.error} />
      </Section>
      <History
        project={project}
        onOpen={(version, versionText) => {
          setText(versionText);
          setLoadedVersion(version);
          save.reset();
        }}
      />
    </div>
  );
}

/** Every version, newest first; any two side by side. */
function History({ project, onOpen }: { project: string; onOpen: (version: number, text: string) => void }) {
  const client = useClient();
  const versions = useInfiniteQuery({
    queryKey: ["configs", project],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      client.configs.list({
        path: { project },
        query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) },
      }),
    getNextPageParam: (page) => page.nextCursor,
  });
  const items = versions.data?.pages.flatMap((p) => p.items) ?? [];
  const [left, setLeft] = useState<number | undefined>();
  const [right, setRight] = useState<number | undefined>();
  const newest = items[0]?.version;
  const a = left ?? (newest !== undefined && newest > 1 ? newest - 1 : undefined);
  const b = right ?? newest;
  const leftText = useVersionText(project, a);
  const rightText = useVersionText(project, b);
  const [opening, setOpening] = useState<number | undefined>();
  const openText = useVersionText(project, opening);
  useEffect(() => {
    if (opening !== undefined && openText.data !== undefined) {
      onOpen(opening, openText.data);
      setOpening(undefined);
    }
  }, [opening, openText.data, onOpen]);

  return (
    <Section title="Version history">
      <ProblemView error={versions.error ?? leftText.error ?? rightText.error} />
      {versions.isPending ? (
        <Loading what="versions" />
      ) : items.length === 0 ? (
        <p className="empty">No version saved yet.</p>
      ) : (
        <>
          <Table columns={["Version", "Saved", "By", "Format", { hidden: "Actions" }]}>
            {items.map((v) => (
              <tr key={v.version}>
                <td>v{v.version}</td>
                <td>{formatTime(v.createdAt)}</td>
                <td>{v.createdBy.name}</td>
                <td>{v.format.toUpperCase()}</td>
                <td>
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Open version ${v.version} in the editor`}
                    onClick={() => setOpening(v.version)}
                  >
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </Table>
          {versions.hasNextPage ? (
            <button type="button" className="button small" onClick={() => versions.fetchNextPage()}>
              Older versions
            </button>
          ) : null}
          {items.length > 1 ? (
            <div className="stack">
              <h3>Compare two versions</h3>
              <div className="inline-form">
                <VersionSelect label="Left" versions={items} value={a} onChange={setLeft} />
                <VersionSelect label="Right" versions={items} value={b} onChange={setRight} />
              </div>
              {leftText.data !== undefined && rightText.data !== undefined ? (
                <Suspense fallback={<Loading what="the comparison" />}>
                  <DiffView
                    left={leftText.data}
                    right={rightText.data}
                    leftLabel={`Version ${a}`}
                    rightLabel={`Version ${b}`}
                  />
                </Suspense>
              ) : (
                <Loading what="both versions" />
              )}
            </div>
          ) : null}
        </>
      )}
    </Section>
  );
}

function VersionSelect({
  label,
  versions,
  value,
  onChange,
}: {
  label: string;
  versions: { version: number }[];
  value: number | undefined;
  onChange: (version: number) => void;
}) {
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} value={value ?? ""} onChange={(e) => onChange(Number(e.target.value))}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
