import { JsonTextTokenSource } from "./json-lexer.js";
import { PatternSyntaxError, type TokenKind, type TokenSource, ValueTokenSource } from "./tokens.js";

/** JSON text is lexed losslessly; anything else is taken as an already-parsed value. */
export function eventTokens(input: unknown): TokenSource {
  return typeof input === "string" ? new JsonTextTokenSource(input) : new ValueTokenSource(input);
}

/**
 * An event as JSON text: text as given, a value written out token by token (so bigints keep their
 * digits and `toJSON` is honoured, as the lexer's reading of the value would); undefined for a
 * value that cannot be written (nested too deep).
 */
export function eventText(event: string | object): string | undefined {
  if (typeof event === "string") return event;
  // What JSON.parse makes (the usual event) JSON.stringify writes out the same, many times faster
  // and with far less garbage than token by token: 1 MiB events would hold the event loop otherwise.
  if (isPlainJson(event, 0)) return JSON.stringify(event);
  try {
    return tokensToJson(new ValueTokenSource(event));
  } catch (e) {
    if (e instanceof PatternSyntaxError) return undefined;
    throw e;
  }
}

/**
 * Whether a value holds only what JSON.parse makes, within the lexer's nesting limit: then
 * JSON.stringify writes exactly what tokensToJson would. Not for bigints (their digits), -0 (its
 * sign), `toJSON`, symbols, functions, undefined or other prototypes: those go token by token.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth >= 999) return false;
      if (Array.isArray(value)) {
        for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if ("toJSON" in value) return false;
      for (const key in value) {
        if (Object.hasOwn(value, key) && !isPlainJson((value as Record<string, unknown>)[key], depth + 1))
          return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** The JSON text of the value a token source reads. */
export function tokensToJson(source: TokenSource): string {
  let out = "";
  let previous: TokenKind | null = null;
  for (let t = source.next(); t !== null; t = source.next()) {
    const separated = previous !== null && previous !== "{" && previous !== "[" && previous !== "field";
    if (separated && t !== "}" && t !== "]") out += ",";
    switch (t) {
      case "field":
        out += `${JSON.stringify(source.text())}:`;
        break;
      case "string":
        out += JSON.stringify(source.text());
        break;
      case "number":
      case "true":
      case "false":
      case "null":
        out += source.text();
        break;
      default:
        out += t;
    }
    previous = t;
  }
  return out;
}
