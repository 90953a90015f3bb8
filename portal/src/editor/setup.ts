/** What every CodeMirror view of the portal shares: the look (light and dark) and the basics. */
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { yaml } from "@codemirror/lang-yaml";
import {
  bracketMatching,
  foldGutter,
  HighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import type { Extension } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";

export type EditorLanguage = "yaml" | "json";

/** Colours come from CSS variables (styles.css), so one style serves light and dark. */
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: "var(--syn-key)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--syn-string)" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--syn-literal)" },
  { tag: [tags.keyword, tags.typeName], color: "var(--syn-keyword)" },
  { tag: [tags.comment, tags.lineComment], color: "var(--syn-comment)", fontStyle: "italic" },
  { tag: [tags.punctuation, tags.separator, tags.bracket], color: "var(--muted)" },
  { tag: tags.meta, color: "var(--syn-keyword)" },
]);

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--surface)", color: "var(--text)" },
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--muted)", border: "none" },
  ".cm-activeLine": { backgroundColor: "var(--editor-active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--editor-active-line)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground": {
    backgroundColor: "var(--editor-selection) !important",
  },
  ".cm-tooltip": {
    backgroundColor: "var(--surface)",
    color: "var(--text)",
    border: "1px solid var(--border)",
  },
});

export function languageOf(language: EditorLanguage): Extension {
  return language === "json" ? json() : yaml();
}

/** Guess the language of a text the user pasted or a version stored: JSON starts with { or [. */
export function guessLanguage(text: string): EditorLanguage {
  return /^\s*[{[]/.test(text) ? "json" : "yaml";
}

export function baseExtensions(label: string, readOnly: boolean, gutters = true): Extension[] {
  return [
    // The diff goes without: its changed lines are highlighted and unchanged ones collapsed, and in
    // CodeMirror's merge view under a shadow root the gutters drift from the lines.
    ...(gutters ? [lineNumbers(), highlightActiveLineGutter(), foldGutter()] : []),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    syntaxHighlighting(highlight),
    theme,
    keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap]),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ "aria-label": label }),
    EditorView.editable.of(!readOnly),
  ];
}

/**
 * A shadow root under `host` for CodeMirror to mount in. CodeMirror injects its styles at run time;
 * in a document that is a <style> element, which the portal's CSP (no inline styles) refuses, while
 * in a shadow root they go to a constructed stylesheet (adoptedStyleSheets), which CSP permits.
 */
export function shadowMount(host: HTMLElement): { root: ShadowRoot; parent: HTMLElement; dispose(): void } {
  const root = host.shadowRoot ?? host.attachShadow({ mode: "open" });
  const parent = document.createElement("div");
  root.append(parent);
  return { root, parent, dispose: () => parent.remove() };
}

/** The editor's size and font, inside its shadow root where the page's stylesheet does not reach. */
export function sizeTheme(maxHeight: string): Extension {
  return EditorView.theme({
    "&": { maxHeight },
    ".cm-scroller": { fontFamily: "var(--mono)", fontSize: "0.85rem", lineHeight: "1.5" },
  });
}
