/**
 * YAML parsing that stops at the config limits before the expensive steps. The lexer and parser run
 * token by token, so a text with too many tokens or too deep a nesting is refused as soon as it
 * shows; keys per mapping, string lengths and aliases are counted on the parse tree, before the
 * composer builds the document and before aliases are resolved. Duplicate keys are found with a set
 * per mapping (YAML's own check compares every pair of keys of a mapping). Syntax errors come back
 * in Switchyard's words (yaml-messages.ts), never the library's.
 */
import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  type LineCounter,
  type Node,
  Parser,
  visit,
  type YAMLError,
} from "yaml";
import { CONFIG_LIMITS, limitMessages } from "./limits.js";
import { yamlSyntaxMessage } from "./yaml-messages.js";

/** A syntax error or a limit, where it starts in the text. */
export interface SyntaxProblem {
  offset: number;
  message: string;
}

export type BoundedParse = { ok: true; doc: Document.Parsed } | { ok: false; problems: SyntaxProblem[] };

const COLLECTIONS = new Set(["block-map", "block-seq", "flow-collection"]);

export function parseBoundedYaml(
  text: string,
  lineCounter: LineCounter,
  options: ConstructorParameters<typeof Composer>[0],
): BoundedParse {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // as Parser.parse() does: line 1 starts at offset 0
  const tokens: CST.Token[] = [];
  let count = 0;
  for (const lexeme of new Lexer().lex(text)) {
    if (++count > CONFIG_LIMITS.tokens) return refuse(parser.offset, limitMessages.tokens());
    for (const token of parser.next(lexeme)) tokens.push(token);
    // Most of the parser's stack is collections; count them only when it could be too deep.
    if (parser.stack.length > CONFIG_LIMITS.nesting && nesting(parser.stack) > CONFIG_LIMITS.nesting) {
      return refuse(parser.offset, limitMessages.nesting());
    }
  }
  for (const token of parser.end()) tokens.push(token);
  const tooMuch = checkTree(tokens);
  if (tooMuch) return tooMuch;
  const composer = new Composer({ ...options, uniqueKeys: false });
  const [doc, ...more] = [...composer.compose(tokens, true, text.length)];
  // Every problem at once, in text order, each in our words. Once the document has ended, YAML
  // reports each token after it again: the first says it all.
  const firstAfterEnd = doc!.errors.find(isAfterEnd);
  const errors = doc!.errors.filter((e) => !isAfterEnd(e) || e === firstAfterEnd);
  const problems: SyntaxProblem[] = errors.map((e) => ({
    offset: e.pos[0],
    message: yamlSyntaxMessage(e.code, e.message, text.slice(e.pos[0], e.pos[1])),
  }));
  // A second document would be ignored without a word.
  const second = more.find((d) => d.contents !== null);
  if (second) problems.push({ offset: second.range[0], message: yamlSyntaxMessage("MULTIPLE_DOCS", "", "") });
  problems.push(...treeProblems(doc!, problems.length === 0));
  if (problems.length > 0) {
    // Nested brackets left open are each reported at the same place, in the same words: once.
    const once = new Map(problems.map((p) => [`${p.offset} ${p.message}`, p]));
    return { ok: false, problems: [...once.values()].sort((a, b) => a.offset - b.offset) };
  }
  return { ok: true, doc: doc! };
}

/**
 * What the document's tree has that YAML's parse lets through but building the value would trip
 * on, or silently lose: keys repeated in a mapping, aliases of anchors not defined before them,
 * merge keys (`<<`) naming something other than mappings, keys that are lists or mappings.
 */
function treeProblems(doc: Document.Parsed, syntaxOk: boolean): SyntaxProblem[] {
  const found: SyntaxProblem[] = [];
  const at = (node: unknown) => (node as Node | null)?.range?.[0] ?? 0;
  // Anchors in text order: an alias names the latest one of its name before it.
  const anchors = new Map<string, Node>();
  const isMapping = (node: unknown) => isMap(node) || (isAlias(node) && isMap(anchors.get(node.source)));
  visit(doc, (_, node) => {
    if (isMap(node) || isSeq(node) || isScalar(node) || isAlias(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
    }
    // An alias without a name is a syntax error of its own.
    if (isAlias(node) && node.source !== "" && !anchors.has(node.source)) {
      const name = node.source.slice(0, 80);
      found.push({
        offset: at(node),
        message: `The alias *${name} names no anchor before it: define \`&${name}\` on a value above it.`,
      });
    }
    if (!isMap(node)) return;
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (isMap(pair.key) || isSeq(pair.key)) {
        // A syntax error usually makes such a key (`- a: b` out of place): it says enough then.
        if (syntaxOk)
          found.push({ offset: at(pair.key), message: yamlSyntaxMessage("NON_STRING_KEY", "", "") });
        continue;
      }
      // With `merge`, `<<` reads as a symbol: a merge key, not a key of the mapping.
      if (isScalar(pair.key) && typeof pair.key.value === "symbol") {
        // Merge keys (`<<: *defaults`) may repeat, and take mappings only.
        const value = pair.value;
        if (!(isMapping(value) || (isSeq(value) && value.items.every(isMapping)))) {
          found.push({
            offset: at(pair.key),
            message: "A merge key (`<<`) takes a mapping, an alias of one (`*name`), or a list of those.",
          });
        }
        continue;
      }
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) {
        found.push({ offset: at(pair.key), message: yamlSyntaxMessage("DUPLICATE_KEY", "", key) });
      }
      seen.add(key);
    }
  });
  return found;
}

/** A token after the document's end (the composer's "Unexpected ... in YAML stream"). */
const isAfterEnd = (e: YAMLError) => e.code === "UNEXPECTED_TOKEN" && / in YAML stream/.test(e.message);

const refuse = (offset: number, message: string) => ({ ok: false as const, problems: [{ offset, message }] });

function nesting(stack: readonly CST.Token[]): number {
  let depth = 0;
  for (const token of stack) if (COLLECTIONS.has(token.type)) depth++;
  return depth;
}

/** Keys per mapping, string lengths and alias uses, on the parse tree (iteratively). */
function checkTree(roots: readonly CST.Token[]): { ok: false; problems: SyntaxProblem[] } | undefined {
  let aliases = 0;
  const pending: CST.Token[] = [...roots].reverse();
  for (let token = pending.pop(); token; token = pending.pop()) {
    switch (token.type) {
      case "document":
        if (token.value) pending.push(token.value);
        break;
      case "block-map":
      case "block-seq":
      case "flow-collection": {
        const isMapping =
          token.type === "block-map" || (token.type === "flow-collection" && token.start.source === "{");
        if (isMapping && token.items.length > CONFIG_LIMITS.keysPerMapping) {
          const item = token.items[CONFIG_LIMITS.keysPerMapping]!;
          return refuse(
            item.key?.offset ?? item.value?.offset ?? token.offset,
            limitMessages.keysPerMapping(),
          );
        }
        // Pushed last to first, so tokens are checked in text order and a refusal names the first
        // token over a limit.
        for (let i = token.items.length - 1; i >= 0; i--) {
          const item = token.items[i]!;
          if (item.value) pending.push(item.value);
          if (item.key) pending.push(item.key);
        }
        break;
      }
      case "alias":
        if (++aliases > CONFIG_LIMITS.aliases) return refuse(token.offset, limitMessages.aliases());
        break;
      case "scalar":
      case "single-quoted-scalar":
      case "double-quoted-scalar": {
        // The text as written, quotes aside, bounds the value (escapes and folding only shorten
        // it). Block scalars are held to the limit on their value: their text has indentation.
        const quotes = token.type === "scalar" ? 0 : 2;
        if (token.source.length - quotes > CONFIG_LIMITS.stringChars)
          return refuse(token.offset, limitMessages.stringChars());
        break;
      }
    }
  }
  return undefined;
}
