/**
 * A pull stream of JSON tokens, the shape event-ruler's compiler reads (Jackson's `nextToken`).
 * Patterns and events arrive either as JSON text (lexed losslessly) or as JS values; both become
 * the same token stream, so validation order and error messages do not depend on the input form.
 */

export type TokenKind = "{" | "}" | "[" | "]" | "field" | "string" | "number" | "true" | "false" | "null";

export interface TokenSource {
  /** The next token, or null at the end of the input. */
  next(): TokenKind | null;
  /** Jackson's `getText()` for the current token: a field name, string value or number literal. */
  text(): string;
  /** Where the current token ends (1-based line/column), when the input was text. */
  location(): { line: number; column: number } | undefined;
}

/** A pattern/event problem carrying the exact message and, for text input, where it was found. */
export class PatternSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = "PatternSyntaxError";
  }
}

/** Throws a PatternSyntaxError located at the source's current token. */
export function fail(source: TokenSource, message: string): never {
  const at = source.location();
  throw new PatternSyntaxError(message, at?.line, at?.column);
}

type Frame =
  | { kind: "object"; entries: [string, unknown][]; i: number }
  | { kind: "array"; items: unknown[]; i: number };

/**
 * Tokens of an already-parsed JS value. JS numbers become their shortest decimal text and bigints
 * their exact digits; `undefined` members are skipped and `toJSON` is honoured, as JSON.stringify does.
 */
export class ValueTokenSource implements TokenSource {
  private readonly stack: Frame[] = [];
  private pending: unknown;
  private started = false;
  private current = "";

  constructor(value: unknown) {
    this.pending = value;
  }

  next(): TokenKind | null {
    if (!this.started) {
      this.started = true;
      const root = this.pending;
      this.pending = undefined;
      return this.emitValue(root);
    }
    const top = this.stack[this.stack.length - 1];
    if (!top) return null;
    if (top.kind === "array") {
      if (top.i >= top.items.length) {
        this.stack.pop();
        this.current = "]";
        return "]";
      }
      const item = top.items[top.i++];
      return this.emitValue(item === undefined ? null : item);
    }
    if (this.pending !== undefined) {
      const value = this.pending;
      this.pending = undefined;
      return this.emitValue(value);
    }
    while (top.i < top.entries.length) {
      const [key, value] = top.entries[top.i++]!;
      if (value === undefined || typeof value === "function") continue;
      this.current = key;
      this.pending = value;
      return "field";
    }
    this.stack.pop();
    this.current = "}";
    return "}";
  }

  text(): string {
    return this.current;
  }

  location(): undefined {
    return undefined;
  }

  private emitValue(raw: unknown): TokenKind {
    const value =
      raw !== null && typeof raw === "object" && typeof (raw as { toJSON?: unknown }).toJSON === "function"
        ? (raw as { toJSON: () => unknown }).toJSON()
        : raw;
    if (value === null || value === undefined) return this.literal("null");
    switch (typeof value) {
      case "string":
        this.current = value;
        return "string";
      case "boolean":
        return this.literal(value ? "true" : "false");
      case "number":
        if (!Number.isFinite(value)) return this.literal("null");
        this.current = Object.is(value, -0) ? "-0" : String(value);
        return "number";
      case "bigint":
        this.current = value.toString();
        return "number";
      case "object":
        // Same limit as the text lexer (Jackson's), so deep values cannot overflow the walkers' stack.
        if (this.stack.length >= 1000) {
          throw new PatternSyntaxError(
            `Document nesting depth (${this.stack.length + 1}) exceeds the maximum allowed (1000, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
          );
        }
        if (Array.isArray(value)) {
          this.stack.push({ kind: "array", items: value, i: 0 });
          this.current = "[";
          return "[";
        }
        this.stack.push({ kind: "object", entries: Object.entries(value as object), i: 0 });
        this.current = "{";
        return "{";
      default:
        return this.literal("null");
    }
  }

  private literal(kind: "null" | "true" | "false"): TokenKind {
    this.current = kind;
    return kind;
  }
}
