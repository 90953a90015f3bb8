/**
 * The directive grammar: `$Name(arg, ...)` optionally followed by `.prop.path`, where an argument
 * is a quoted string, a number, a boolean or a nested directive. A string value is a directive
 * only when the whole value is one (Stacktape's rule); `$$` is not an escape.
 */
export type DirectiveArg = string | number | boolean | DirectiveCall;

export interface DirectiveCall {
  kind: "directive";
  name: string;
  args: DirectiveArg[];
  /** Property path after the call, e.g. `eventName` in `$Var().eventName`. */
  path: string[];
}

export type DirectiveParse = { ok: true; call: DirectiveCall } | { ok: false; message: string };

/** Nesting beyond two levels is an error in Stacktape; we keep the same limit. */
export const MAX_DIRECTIVE_DEPTH = 2;

const START = /^\$[A-Za-z][A-Za-z0-9]*\(/;

/** Whether a string is meant as a directive (starts like `$Name(`). */
export const looksLikeDirective = (value: string): boolean => START.test(value.trimStart());

export function parseDirective(text: string): DirectiveParse {
  const parser = new Parser(text.trim());
  try {
    const call = parser.call(1);
    parser.skipSpaces();
    if (!parser.done()) parser.fail(`unexpected "${parser.rest()}"`);
    return { ok: true, call };
  } catch (e) {
    if (e instanceof SyntaxFailure)
      return { ok: false, message: `Invalid directive "${text}": ${e.message}.` };
    throw e;
  }
}

class SyntaxFailure extends Error {}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done = () => this.i >= this.s.length;
  rest = () => this.s.slice(this.i);
  fail(message: string): never {
    throw new SyntaxFailure(message);
  }
  skipSpaces() {
    while (this.s[this.i] === " ") this.i++;
  }

  call(depth: number): DirectiveCall {
    if (depth > MAX_DIRECTIVE_DEPTH + 1)
      this.fail(`directives nest at most ${MAX_DIRECTIVE_DEPTH} levels deep`);
    if (this.s[this.i] !== "$") this.fail("expected a directive starting with $");
    this.i++;
    const name = this.identifier();
    if (this.s[this.i] !== "(") this.fail(`expected "(" after $${name}`);
    this.i++;
    const args: DirectiveArg[] = [];
    this.skipSpaces();
    if (this.s[this.i] === ")") this.i++;
    else {
      for (;;) {
        this.skipSpaces();
        args.push(this.arg(depth));
        this.skipSpaces();
        const c = this.s[this.i++];
        if (c === ")") break;
        if (c !== ",") this.fail(c === undefined ? "missing closing parenthesis" : `expected "," or ")"`);
      }
    }
    const path: string[] = [];
    while (this.s[this.i] === ".") {
      this.i++;
      path.push(this.pathSegment());
    }
    return { kind: "directive", name, args, path };
  }

  private identifier(): string {
    const m = /^[A-Za-z][A-Za-z0-9]*/.exec(this.rest());
    if (!m) this.fail("expected a directive name");
    this.i += m[0].length;
    return m[0];
  }

  private pathSegment(): string {
    const m = /^[A-Za-z0-9_-]+/.exec(this.rest());
    if (!m) this.fail("expected a property name after '.'");
    this.i += m[0].length;
    return m[0];
  }

  private arg(depth: number): DirectiveArg {
    const c = this.s[this.i];
    if (c === "'" || c === '"') {
      const end = this.s.indexOf(c, this.i + 1);
      if (end < 0) this.fail("unterminated string argument");
      const value = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return value;
    }
    if (c === "$") {
      if (depth >= MAX_DIRECTIVE_DEPTH)
        this.fail(`directives nest at most ${MAX_DIRECTIVE_DEPTH} levels deep`);
      return this.call(depth + 1);
    }
    const m = /^(-?\d+(\.\d+)?|true|false)/.exec(this.rest());
    if (!m) this.fail("arguments are quoted strings, numbers, booleans or directives");
    this.i += m[0].length;
    if (m[0] === "true" || m[0] === "false") return m[0] === "true";
    return Number(m[0]);
  }
}
