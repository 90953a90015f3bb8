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
  try {
    return tokensToJson(new ValueTokenSource(event));
  } catch (e) {
    if (e instanceof PatternSyntaxError) return undefined;
    throw e;
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
