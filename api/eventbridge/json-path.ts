import { compactJson } from "./envelope.js";
import { JsonTextTokenSource, skipValue } from "./pattern/json-lexer.js";
import type { TokenKind } from "./pattern/tokens.js";

/**
 * The JSONPath subset EventBridge accepts in InputPath and InputPathsMap: `$`, `.key` (keys may
 * contain `-`, as in `$.detail-type`), `['key']` / `["key"]` and `[index]`.
 */
type Step = string | number;

export function parseJsonPath(path: string): Step[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === ".") {
      const match = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!match) return undefined;
      steps.push(match[0]);
      i += 1 + match[0].length;
    } else if (path[i] === "[") {
      const match = /^\[(?:(\d+)|'([^']*)'|"([^"]*)")\]/.exec(path.slice(i));
      if (!match) return undefined;
      steps.push(match[1] !== undefined ? Number(match[1]) : (match[2] ?? match[3])!);
      i += match[0].length;
    } else {
      return undefined;
    }
  }
  return steps;
}

/**
 * A JSON value read from its text without JSON.parse, so numbers keep their digits (big ids, long
 * decimals). Objects and arrays are split into their members' texts on first use and once only, so
 * many paths into one event lex each level once. A repeated member counts once, the last one, as
 * in JSON.parse.
 */
export class JsonText {
  private members?: Map<string, JsonText>;
  private items?: JsonText[];

  /**
   * `text`: one JSON value. `lexed`: a lexer has read it whole already (it is a member of a value
   * that was split), so splitting it need not read nested values token by token again.
   */
  constructor(
    private readonly text: string,
    private readonly lexed = false,
  ) {}

  /** The value as compact JSON text, exactly as written apart from insignificant whitespace. */
  json(): string {
    return compactJson(this.text);
  }

  /** The member or element a step names, or undefined when there is none. */
  child(step: Step): JsonText | undefined {
    if (typeof step === "number") return this.elements()[step];
    return this.objectMembers().get(step);
  }

  /** The value at `path`, or undefined when the path is invalid or leads nowhere. */
  at(path: string): JsonText | undefined {
    const steps = parseJsonPath(path);
    if (!steps) return undefined;
    let node: JsonText | undefined = this;
    for (const step of steps) {
      node = node.child(step);
      if (!node) return undefined;
    }
    return node;
  }

  private objectMembers(): Map<string, JsonText> {
    if (!this.members) {
      this.members = new Map();
      const source = new JsonTextTokenSource(this.text);
      if (source.next() === "{") {
        for (let t = source.next(); t === "field"; t = source.next()) {
          const name = source.text();
          this.members.set(name, this.sliceValue(source, source.next()));
        }
      }
    }
    return this.members;
  }

  /** An array's elements; none when the value is not an array. */
  elements(): readonly JsonText[] {
    if (!this.items) {
      this.items = [];
      const source = new JsonTextTokenSource(this.text);
      if (source.next() === "[") {
        for (;;) {
          const start = source.next();
          if (start === "]" || start === null) break;
          this.items.push(this.sliceValue(source, start));
        }
      }
    }
    return this.items;
  }

  /** The value whose first token `source` has just read, as a JsonText of its own text. */
  private sliceValue(source: JsonTextTokenSource, first: TokenKind | null): JsonText {
    const start = source.tokenStart();
    if (this.lexed && (first === "{" || first === "[")) source.skipContainer();
    else skipValue(source, first);
    return new JsonText(this.text.slice(start, source.offset()), true);
  }
}
