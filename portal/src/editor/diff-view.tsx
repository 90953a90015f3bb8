/** Two config versions side by side (CodeMirror's merge view), loaded when history is opened. */
import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { useEffect, useRef } from "react";
import { baseExtensions, guessLanguage, languageOf } from "./setup.js";

export default function DiffView({
  left,
  right,
  leftLabel,
  rightLabel,
}: {
  left: string;
  right: string;
  leftLabel: string;
  rightLabel: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const side = (doc: string, label: string) => ({
      doc,
      extensions: [
        ...baseExtensions(label, true),
        EditorState.readOnly.of(true),
        languageOf(guessLanguage(doc)),
      ],
    });
    const view = new MergeView({
      a: side(left, leftLabel),
      b: side(right, rightLabel),
      parent: host.current!,
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    return () => view.destroy();
  }, [left, right, leftLabel, rightLabel]);
  return <div ref={host} className="editor diff" />;
}
