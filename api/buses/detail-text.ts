import { DomainError } from "../errors.js";
import { JsonText } from "../eventbridge/json-path.js";
import { PatternSyntaxError } from "../eventbridge/pattern/tokens.js";

/**
 * Members of a request body as the JSON text the caller sent (without insignificant whitespace).
 * The body is validated from JSON.parse's reading, which rounds numbers a double cannot hold (ids
 * past 2^53, long decimals); EventBridge takes events and details as text, so forwarding the
 * caller's own text keeps them exact end to end, as a call on AWS does. Read with the pattern
 * matcher's lossless lexer (JsonText); a repeated member counts once, the last one, as in
 * JSON.parse, so the texts belong to the values the schema validated.
 */

/** The `detail` of each entry of a publish request body (`{"entries":[{"detail":{...}}, ...]}`). */
export function detailTexts(body: string, count: number): string[] {
  const details = readingBody(() =>
    (new JsonText(body).child("entries")?.elements() ?? []).map((entry) => entry.child("detail")?.json()),
  );
  if (details.length !== count || details.some((d) => d === undefined)) {
    throw new Error(`Read ${details.length} entry details from a body validated with ${count} entries.`);
  }
  return details as string[];
}

/** The `event` of a match request body (`{"event":{...}}`). */
export function eventText(body: string): string {
  const event = readingBody(() => new JsonText(body).child("event")?.json());
  if (event === undefined) throw new Error("Read no event from a validated match request body.");
  return event;
}

function readingBody<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    // JSON.parse has read the body, so only the lexer's limits (Jackson's, as EventBridge's) remain.
    if (err instanceof PatternSyntaxError)
      throw new DomainError("bad-request", `The body cannot be read: ${err.message}.`);
    throw err;
  }
}
