import { PatternSyntaxError, type TokenKind, type TokenSource } from "./tokens.js";

/**
 * A lossless streaming JSON lexer: numbers keep their source text (JSON.parse would round big
 * integers and drop `300.0` vs `3.0e2`), and syntax errors use the wording of Jackson, the parser
 * behind EventBridge, e.g. `Unrecognized token 'this': was expecting (...)`.
 *
 * Like Jackson's `nextToken()` it stops after the root value: content after it is never read.
 */

const EXPECTED_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/** Jackson's default StreamReadConstraints nesting limit; it also keeps recursive walkers off the stack limit. */
export const MAX_NESTING_DEPTH = 1000;

type Expect = "value" | "field" | "after";

export class JsonTextTokenSource implements TokenSource {
  private pos = 0;
  private tokenEnd = 0;
  private tokenBegin = 0;
  private current = "";
  private readonly stack: ("o" | "a")[] = [];
  private expect: Expect = "value";
  /** A closing bracket is allowed right after an opening one, never after a comma. */
  private closeAllowed = false;
  private done = false;

  constructor(private readonly src: string) {}

  next(): TokenKind | null {
    if (this.done) return null;
    this.skipWhitespace();
    const src = this.src;
    if (this.expect === "after") {
      const top = this.stack[this.stack.length - 1];
      const c = src.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.endOfInput();
      if (top === "o") {
        if (c === 0x7d) return this.close("}");
        if (c === 0x5d) this.badClose("]", "}");
        if (c !== 0x2c) this.unexpectedChar(this.pos, "was expecting comma to separate Object entries");
        this.pos++;
        this.expect = "field";
        this.closeAllowed = false;
      } else {
        if (c === 0x5d) return this.close("]");
        if (c === 0x7d) this.badClose("}", "]");
        if (c !== 0x2c) this.unexpectedChar(this.pos, "was expecting comma to separate Array entries");
        this.pos++;
        this.expect = "value";
        this.closeAllowed = false;
      }
      this.skipWhitespace();
    }
    if (this.expect === "field") return this.readField();
    return this.readValue();
  }

  text(): string {
    return this.current;
  }

  location(): { line: number; column: number } {
    return this.locate(this.tokenEnd);
  }

  /** 0-based offset just past the current token, so callers can slice a value's source text. */
  offset(): number {
    return this.tokenEnd;
  }

  /** 0-based offset of the current token's first character (a field name's opening quote). */
  tokenStart(): number {
    return this.tokenBegin;
  }

  /**
   * Right after a `{` or `[` token, moves to its matching close (which becomes the current token)
   * without reading the tokens between: for text a lexer has already read whole, when only the
   * value's extent is needed. Brackets inside strings do not count.
   */
  skipContainer(): TokenKind {
    const src = this.src;
    let pos = this.pos;
    for (let depth = 1; ; pos++) {
      const c = src.charCodeAt(pos);
      if (c === 0x22) {
        // To the closing quote: the next one not escaped by an odd run of backslashes.
        for (;;) {
          pos = src.indexOf('"', pos + 1);
          if (pos < 0) this.endOfInput();
          let slashes = 0;
          while (src.charCodeAt(pos - 1 - slashes) === 0x5c) slashes++;
          if (slashes % 2 === 0) break;
        }
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) break;
      } else if (Number.isNaN(c)) {
        this.endOfInput();
      }
    }
    this.pos = pos;
    return this.close(src[pos] as "}" | "]");
  }

  private readField(): TokenKind {
    this.tokenBegin = this.pos;
    const c = this.src.charCodeAt(this.pos);
    if (c === 0x7d && this.closeAllowed) return this.close("}");
    if (Number.isNaN(c)) this.endOfInput();
    if (c !== 0x22) this.unexpectedChar(this.pos, "was expecting double-quote to start field name");
    this.pos++;
    this.current = this.readString();
    this.tokenEnd = this.pos;
    this.skipWhitespace();
    const colon = this.src.charCodeAt(this.pos);
    if (Number.isNaN(colon)) this.endOfInput();
    if (colon !== 0x3a)
      this.unexpectedChar(this.pos, "was expecting a colon to separate field name and value");
    this.pos++;
    this.expect = "value";
    this.closeAllowed = false;
    return "field";
  }

  private readValue(): TokenKind | null {
    const src = this.src;
    const start = this.pos;
    this.tokenBegin = start;
    const c = src.charCodeAt(start);
    if (Number.isNaN(c)) {
      // An empty document has no tokens at all (Jackson returns null); a cut-off one is an error.
      if (this.stack.length === 0) {
        this.done = true;
        return null;
      }
      this.endOfInput();
    }
    switch (c) {
      case 0x7b: // {
        this.checkDepth();
        this.pos++;
        this.tokenEnd = this.pos;
        this.stack.push("o");
        this.expect = "field";
        this.closeAllowed = true;
        this.current = "{";
        return "{";
      case 0x5b: // [
        this.checkDepth();
        this.pos++;
        this.tokenEnd = this.pos;
        this.stack.push("a");
        this.expect = "value";
        this.closeAllowed = true;
        this.current = "[";
        return "[";
      case 0x5d: // ]
        if (this.closeAllowed && this.stack[this.stack.length - 1] === "a") return this.close("]");
        break;
      case 0x22: // "
        this.pos++;
        this.current = this.readString();
        return this.valueDone("string");
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          this.current = this.readNumber();
          return this.valueDone("number");
        }
        if (isIdentifierChar(src, start)) return this.readLiteral();
    }
    this.unexpectedChar(start, `expected a valid value ${EXPECTED_VALUE}`);
  }

  private checkDepth(): void {
    if (this.stack.length < MAX_NESTING_DEPTH) return;
    throw this.error(
      `Document nesting depth (${this.stack.length + 1}) exceeds the maximum allowed (${MAX_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
      this.pos + 1,
    );
  }

  private readLiteral(): TokenKind {
    const src = this.src;
    const start = this.pos;
    let end = start;
    while (end < src.length && end - start < 256 && isIdentifierChar(src, end)) end++;
    const word = src.slice(start, end);
    this.pos = end;
    this.tokenEnd = end;
    if (word === "true" || word === "false" || word === "null") {
      this.current = word;
      return this.valueDone(word);
    }
    throw this.error(`Unrecognized token '${word}': was expecting ${EXPECTED_VALUE}`, end);
  }

  private readString(): string {
    const src = this.src;
    let pos = this.pos;
    let out = "";
    let chunkStart = pos;
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c === 0x22) {
        out += src.slice(chunkStart, pos);
        this.pos = pos + 1;
        return out;
      }
      if (Number.isNaN(c)) {
        this.pos = pos;
        throw this.error("Unexpected end-of-input: was expecting closing quote for a string value", pos);
      }
      if (c < 0x20) {
        throw this.error(
          `Illegal unquoted character (${describeChar(c)}): has to be escaped using backslash to be included in string value`,
          pos,
        );
      }
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += src.slice(chunkStart, pos);
      const e = src.charCodeAt(pos + 1);
      pos += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += "\\";
          break;
        case 0x2f:
          out += "/";
          break;
        case 0x62:
          out += "\b";
          break;
        case 0x66:
          out += "\f";
          break;
        case 0x6e:
          out += "\n";
          break;
        case 0x72:
          out += "\r";
          break;
        case 0x74:
          out += "\t";
          break;
        case 0x75: {
          const hex = src.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            throw this.error("Unexpected character in Unicode escape: expected a hex-digit", pos + 1);
          }
          out += String.fromCharCode(Number.parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          if (Number.isNaN(e)) {
            throw this.error("Unexpected end-of-input in character escape sequence", pos - 1);
          }
          throw this.error(`Unrecognized character escape ${describeChar(e)}`, pos);
      }
      chunkStart = pos;
    }
  }

  private readNumber(): string {
    const src = this.src;
    const start = this.pos;
    let pos = start;
    if (src.charCodeAt(pos) === 0x2d) {
      pos++;
      if (!isDigit(src.charCodeAt(pos))) {
        this.numberError(
          pos,
          "in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value",
        );
      }
    }
    if (src.charCodeAt(pos) === 0x30 && isDigit(src.charCodeAt(pos + 1))) {
      throw this.error("Invalid numeric value: Leading zeroes not allowed", pos + 2);
    }
    while (isDigit(src.charCodeAt(pos))) pos++;
    if (src.charCodeAt(pos) === 0x2e) {
      pos++;
      if (!isDigit(src.charCodeAt(pos)))
        this.numberError(pos, "in numeric value: Decimal point not followed by a digit");
      while (isDigit(src.charCodeAt(pos))) pos++;
    }
    const e = src.charCodeAt(pos);
    if (e === 0x65 || e === 0x45) {
      pos++;
      const sign = src.charCodeAt(pos);
      if (sign === 0x2b || sign === 0x2d) pos++;
      if (!isDigit(src.charCodeAt(pos)))
        this.numberError(pos, "in numeric value: Exponent indicator not followed by a digit");
      while (isDigit(src.charCodeAt(pos))) pos++;
    }
    this.pos = pos;
    return src.slice(start, pos);
  }

  private numberError(pos: number, message: string): never {
    const c = this.src.charCodeAt(pos);
    if (Number.isNaN(c)) throw this.error("Unexpected end-of-input in a Number value", pos);
    throw this.error(`Unexpected character (${describeChar(c)}) ${message}`, pos);
  }

  private valueDone(kind: TokenKind): TokenKind {
    this.tokenEnd = this.pos;
    if (this.stack.length === 0) this.done = true;
    else this.expect = "after";
    return kind;
  }

  private close(kind: "}" | "]"): TokenKind {
    this.tokenBegin = this.pos;
    this.pos++;
    this.stack.pop();
    this.current = kind;
    return this.valueDone(kind);
  }

  private skipWhitespace(): void {
    const src = this.src;
    let pos = this.pos;
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  private endOfInput(): never {
    const top = this.stack[this.stack.length - 1];
    throw this.error(
      `Unexpected end-of-input: expected close marker for ${top === "a" ? "ARRAY" : "OBJECT"}`,
      this.src.length,
    );
  }

  private badClose(found: string, expected: string): never {
    throw this.error(`Unexpected close marker '${found}': expected '${expected}'`, this.pos);
  }

  private unexpectedChar(at: number, message: string): never {
    throw this.error(`Unexpected character (${describeChar(this.src.charCodeAt(at))}): ${message}`, at);
  }

  /** `offset`: 0-based index of the offending character, or just past the offending token. */
  private error(message: string, offset: number): PatternSyntaxError {
    const { line, column } = this.locate(offset);
    return new PatternSyntaxError(message, line, column);
  }

  private locate(offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < this.src.length; i++) {
      if (this.src.charCodeAt(i) === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  }
}

/**
 * Reads past the value that `token` (just returned by `source.next()`) opens, leaving the source on
 * its last token: `source.offset()` is then the value's end.
 */
export function skipValue(source: TokenSource, token: TokenKind | null): void {
  if (token !== "{" && token !== "[") return;
  for (let depth = 1; depth > 0; ) {
    const t = source.next();
    if (t === "{" || t === "[") depth++;
    else if (t === "}" || t === "]" || t === null) depth--;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Jackson reads an unknown bare word up to the end of its Java identifier characters. */
function isIdentifierChar(src: string, at: number): boolean {
  const c = src.charCodeAt(at);
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f || c === 0x24)
    return true;
  return c > 0x7f && /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}]/u.test(src[at] ?? "");
}

/** Jackson's `_getCharDesc`. */
function describeChar(c: number): string {
  if (c < 0x20) return `(CTRL-CHAR, code ${c})`;
  const ch = String.fromCharCode(c);
  if (c > 0xff) return `'${ch}' (code ${c} / 0x${c.toString(16)})`;
  return `'${ch}' (code ${c})`;
}
