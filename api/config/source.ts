import { isMap, isPair, isScalar, isSeq, LineCounter, type Node } from "yaml";
import { parseBoundedYaml } from "./bounded-yaml.js";
import { boundedTree, CONFIG_LIMITS, limitMessages } from "./limits.js";
import { type ConfigPath, type ConfigProblem, formatPath } from "./problem.js";
import { YAML_SYNTAX_FALLBACK } from "./yaml-messages.js";

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

/**
 * Parses YAML or JSON text (JSON is YAML 1.2) keeping node positions for error messages, within
 * the config limits (api/config/limits.ts); the value's mappings are null-prototype objects.
 */
export function parseSource(text: string): ParsedSource {
  if (Buffer.byteLength(text, "utf8") > CONFIG_LIMITS.bytes) {
    return { ok: false, errors: [{ path: "(root)", message: limitMessages.bytes() }] };
  }
  const lineCounter = new LineCounter();
  const position = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  // `merge`: YAML 1.1 merge keys (`<<: *defaults`), which Stacktape configs use to share settings.
  const parsed = parseBoundedYaml(text, lineCounter, { uniqueKeys: true, prettyErrors: false, merge: true });
  if (!parsed.ok) {
    return {
      ok: false,
      errors: parsed.problems.map((p) => ({ path: "(root)", ...position(p.offset), message: p.message })),
    };
  }
  const { doc } = parsed;
  let js: unknown;
  try {
    // Aliases resolve to shared values (not copies, so YAML's own count is not needed): boundedTree
    // counts each use and refuses cycles.
    js = doc.toJS({ maxAliasCount: -1 });
  } catch {
    // parseBoundedYaml found what building the value trips on; should something else, our words.
    return { ok: false, errors: [{ path: "(root)", message: YAML_SYNTAX_FALLBACK }] };
  }
  const bounded = boundedTree(js);
  const at = (offset: number | undefined) => (offset === undefined ? undefined : position(offset));
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
  if (!bounded.ok) {
    const pos = locate(bounded.path);
    return { ok: false, errors: [{ path: formatPath(bounded.path), ...pos, message: bounded.message }] };
  }
  return { ok: true, value: bounded.value, locate };
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
