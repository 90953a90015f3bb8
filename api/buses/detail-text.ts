import { problems } from "../http/problem.js";
import { compactJson } from "../local/eventbridge/envelope.js";
import { JsonTextTokenSource } from "../local/pattern/json-lexer.js";
import { PatternSyntaxError, type TokenKind } from "../local/pattern/tokens.js";

/**
 * The `detail` of each entry of a publish request body, as the JSON text the caller sent (without
 * insignificant whitespace). The body is validated from JSON.parse's reading, which rounds numbers a
 * double cannot hold (ids past 2^53, long decimals); EventBridge takes `Detail` as text, so
 * forwarding the caller's own text keeps them exact end to end, as a PutEvents call on AWS does.
 * Read with the pattern matcher's lossless lexer; a repeated member counts once, the last one, as
 * in JSON.parse, so the texts belong to the entries the schema validated.
 */
export function detailTexts(body: string, count: number): string[] {
  let details: (string | undefined)[] = [];
  try {
    const source = new JsonTextTokenSource(body);
    if (source.next() === "{") {
      for (let t = source.next(); t === "field"; t = source.next()) {
        const name = source.text();
        const value = source.next();
        if (name === "entries" && value === "[") details = entryDetails(source, body);
        else skipValue(source, value);
      }
    }
  } catch (err) {
    // JSON.parse has read the body, so only the lexer's limits (Jackson's, as EventBridge's) remain.
    if (err instanceof PatternSyntaxError)
      throw problems.badRequest(`The body cannot be read: ${err.message}.`);
    throw err;
  }
  if (details.length !== count || details.some((d) => d === undefined)) {
    throw new Error(`Read ${details.length} entry details from a body validated with ${count} entries.`);
  }
  return details as string[];
}

/** The `detail` text of each element of the `entries` array (undefined where an element has none). */
function entryDetails(source: JsonTextTokenSource, body: string): (string | undefined)[] {
  const details: (string | undefined)[] = [];
  for (let t = source.next(); t !== "]" && t !== null; t = source.next()) {
    let detail: string | undefined;
    if (t === "{") {
      for (let f = source.next(); f === "field"; f = source.next()) {
        const name = source.text();
        const start = valueStart(body, source.offset());
        skipValue(source, source.next());
        if (name === "detail") detail = compactJson(body.slice(start, source.offset()));
      }
    } else {
      skipValue(source, t);
    }
    details.push(detail);
  }
  return details;
}

const NAME_SEPARATOR = /[ \t\n\r]*:[ \t\n\r]*/y;

/** Where a member's value starts: after the `:` that follows its name (ending at `nameEnd`). */
function valueStart(body: string, nameEnd: number): number {
  NAME_SEPARATOR.lastIndex = nameEnd;
  NAME_SEPARATOR.exec(body);
  return NAME_SEPARATOR.lastIndex;
}

/** Reads past the value that `token` opens, leaving the source on its last token. */
function skipValue(source: JsonTextTokenSource, token: TokenKind | null): void {
  if (token !== "{" && token !== "[") return;
  for (let depth = 1; depth > 0; ) {
    const t = source.next();
    if (t === "{" || t === "[") depth++;
    else if (t === "}" || t === "]" || t === null) depth--;
  }
}
