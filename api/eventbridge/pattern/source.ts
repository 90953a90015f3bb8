import { JsonTextTokenSource } from "./json-lexer.js";
import { type TokenSource, ValueTokenSource } from "./tokens.js";

/** JSON text is lexed losslessly; anything else is taken as an already-parsed value. */
export function eventTokens(input: unknown): TokenSource {
  return typeof input === "string" ? new JsonTextTokenSource(input) : new ValueTokenSource(input);
}
