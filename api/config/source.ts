import { isMap, isPair, isScalar, isSeq, Lexer, LineCounter, type Node, parseDocument } from "yaml";
import { ownTree } from "../prototype-safe.js";
import type { ConfigPath, ConfigProblem } from "./problem.js";

/** Configs are small; anything larger is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 512 * 1024;
/** Caps alias expansion so a few lines cannot expand into gigabytes ("billion laughs"). */
export const MAX_ALIAS_COUNT = 100;
/** Real configs nest a dozen levels; thousands of brackets only exhaust the parser's memory. */
export const MAX_NESTING = 64;

export interface Position {
  line: number;
  column: number;
}

/** Finds the source position of a config path (the key when `atKey`), or of its nearest existing ancestor. */
export type Locator = (path: ConfigPath, atKey?: boolean) => Position | undefined;

export type ParsedSource =
  | { ok: true; value: unknown; locate: Locator }
  | { ok: false; errors: ConfigProblem[] };

export const noPositions: Locator = () => undefined;

/** Parses YAML or JSON text (JSON is YAML 1.2) keeping node positions for error messages. */
export function parseSource(text: string): ParsedSource {
  if (Buffer.byteLength(text, "utf8") > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      errors: [{ path: "(root)", message: `The config is larger than ${MAX_CONFIG_BYTES} bytes.` }],
    };
  }
  const depth = flowNesting(text);
  if (depth > MAX_NESTING) {
    return {
      ok: false,
      errors: [{ path: "(root)", message: `The config nests deeper than ${MAX_NESTING} levels.` }],
    };
  }
  const lineCounter = new LineCounter();
  // `merge`: YAML 1.1 merge keys (`<<: *defaults`), which Stacktape configs use to share settings.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: "(root)", line: pos.line, column: pos.col, message: firstLine(e.message) };
      }),
    };
  }
  let value: unknown;
  try {
    value = ownTree(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
  } catch (e) {
    return { ok: false, errors: [{ path: "(root)", message: firstLine((e as Error).message) }] };
  }
  const at = (offset: number | undefined): Position | undefined => {
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const locate: Locator = (path, atKey = false) => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    for (const segment of path) {
      const next = child(node, segment);
      if (!next) return at(rangeStart(keyNode ?? node));
      node = next.value;
      keyNode = next.key;
    }
    return at(rangeStart(atKey && keyNode ? keyNode : (node ?? keyNode)));
  };
  return { ok: true, value, locate };
}

function child(node: unknown, segment: string | number): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment)) {
        return { key: item.key, value: item.value ?? item.key };
      }
    }
    return undefined;
  }
  if (isSeq(node) && /^\d+$/.test(String(segment))) {
    const item = node.items[Number(segment)];
    return item ? { key: undefined, value: item } : undefined;
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

const firstLine = (message: string) => message.split("\n")[0]!.trim();

/**
 * The deepest nesting of flow collections (`[` / `{`), a guard run before parsing. The number of
 * opening brackets bounds it and is cheap; only past the limit does YAML's own lexer decide which
 * brackets open collections, so no quote can hide brackets from the guard (`'` in `it's` opens no
 * string) and brackets inside quoted strings do not count.
 */
function flowNesting(text: string): number {
  let opening = 0;
  for (let i = 0; i < text.length && opening <= MAX_NESTING; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) opening++;
  }
  if (opening <= MAX_NESTING) return opening;
  let depth = 0;
  let max = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === "[" || token === "{") max = Math.max(max, ++depth);
    else if (token === "]" || token === "}") depth--;
  }
  return max;
}
