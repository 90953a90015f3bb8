/** Two config versions side by side (CodeMirror's merge view), loaded when history is opened. */
import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { useEffect, useRef } from "react";
import { baseExtensions, guessLanguage, languageOf, shadowMount, sizeTheme } from "./setup.js";

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
        ...baseExtensions(label, true, false),
        sizeTheme("none"),
        EditorState.readOnly.of(true),
        languageOf(guessLanguage(doc)),
      ],
    });
    const mount = shadowMount(host.current!);
    const view = new MergeView({
      a: side(left, leftLabel),
      b: side(right, rightLabel),
      parent: mount.parent,
      root: mount.root,
      collapseUnchanged: { margin: 3, minSize: 6 },
      // Changed lines are already highlighted; CodeMirror's extra change gutter misaligns the line numbers.
      gutter: false,
    });
    return () => {
      view.destroy();
      mount.dispose();
    };
  }, [left, right, leftLabel, rightLabel]);
  return <div ref={host} className="editor diff" />;
}
