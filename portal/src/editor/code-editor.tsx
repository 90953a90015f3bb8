/**
 * The config editor (CodeMirror 6), loaded on first use. Problems found by Switchyard's validation
 * are underlined at their line and column, with the message (and its did-you-mean) on hover and in
 * the gutter; the page lists them as text too.
 */
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorState, type Text } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { baseExtensions, type EditorLanguage, languageOf, shadowMount, sizeTheme } from "./setup.js";

export interface EditorProblem {
  line?: number;
  column?: number;
  message: string;
  path?: string;
  severity?: "error" | "warning";
}

/** Where a problem starts in the document, and a sensible end: the word there, else the line's end. */
export function problemRange(doc: Text, problem: EditorProblem): { from: number; to: number } {
  const lineNo = Math.min(Math.max(problem.line ?? 1, 1), doc.lines);
  const line = doc.line(lineNo);
  const from = Math.min(line.from + Math.max((problem.column ?? 1) - 1, 0), line.to);
  const rest = doc.sliceString(from, line.to);
  const word = /^[^\s:,]+/.exec(rest)?.[0].length ?? 0;
  const to = word > 0 ? from + word : line.to > from ? line.to : Math.min(from + 1, doc.length);
  return { from, to: Math.max(to, from) };
}

function diagnosticsOf(doc: Text, problems: EditorProblem[]): Diagnostic[] {
  return problems.map((p) => ({
    ...problemRange(doc, p),
    severity: p.severity ?? "error",
    message: p.path ? `${p.path}: ${p.message}` : p.message,
  }));
}

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  language: EditorLanguage;
  label: string;
  problems?: EditorProblem[];
  readOnly?: boolean;
  short?: boolean;
}

export default function CodeEditor({
  value,
  onChange,
  language,
  label,
  problems = [],
  readOnly = false,
  short = false,
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const languageSlot = useRef(new Compartment());
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view is created once; later props flow in below
  useEffect(() => {
    const mount = shadowMount(host.current!);
    const created = new EditorView({
      parent: mount.parent,
      root: mount.root,
      state: EditorState.create({
        doc: value,
        extensions: [
          ...baseExtensions(label, readOnly),
          sizeTheme(short ? "16rem" : "32rem"),
          languageSlot.current.of(languageOf(language)),
          lintGutter(),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      mount.dispose();
      view.current = null;
    };
  }, []);

  // A new value from outside (a version loaded, a template chosen) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: languageSlot.current.reconfigure(languageOf(language)) });
  }, [language]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, diagnosticsOf(v.state.doc, problems)));
  }, [problems]);

  return <div ref={host} className="editor" />;
}
