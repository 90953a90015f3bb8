/**
 * YAML parsing that stops at the config limits before the expensive steps. The lexer and parser run
 * token by token, so a text with too many tokens or too deep a nesting is refused as soon as it
 * shows; keys per mapping, string lengths and aliases are counted on the parse tree, before the
 * composer builds the document and before aliases are resolved. Duplicate keys are found with a set
 * per mapping (YAML's own check compares every pair of keys of a mapping).
 */
import {
  Composer,
  type CST,
  type Document,
  isScalar,
  Lexer,
  type LineCounter,
  Parser,
  visit,
  YAMLParseError,
} from "yaml";
import { CONFIG_LIMITS, limitMessages } from "./limits.js";

export type BoundedParse =
  | { ok: true; doc: Document.Parsed }
  | { ok: false; offset: number; message: string };

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
  const doc = [...composer.compose(tokens, true, text.length)][0]!;
  // Every problem at once, in text order, as YAML's own check reported them.
  doc.errors.push(...duplicateKeys(doc));
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
  return { ok: true, doc };
}

/** Every key that repeats in its mapping (as the key the parsed object would have), in text order. */
function duplicateKeys(doc: Document.Parsed): YAMLParseError[] {
  const found: YAMLParseError[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === "<<") continue; // merge keys (`<<: *defaults`) may repeat
        if (seen.has(key)) {
          const range = (pair.key as { range?: [number, number] } | null)?.range ?? [0, 0];
          const message = `Duplicate key "${key.slice(0, 80)}": the keys of a mapping must be unique.`;
          found.push(new YAMLParseError([range[0], range[1]], "DUPLICATE_KEY", message));
        }
        seen.add(key);
      }
    },
  });
  return found;
}

const refuse = (offset: number, message: string) => ({ ok: false as const, offset, message });

function nesting(stack: readonly CST.Token[]): number {
  let depth = 0;
  for (const token of stack) if (COLLECTIONS.has(token.type)) depth++;
  return depth;
}

/** Keys per mapping, string lengths and alias uses, on the parse tree (iteratively). */
function checkTree(roots: readonly CST.Token[]): { ok: false; offset: number; message: string } | undefined {
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
