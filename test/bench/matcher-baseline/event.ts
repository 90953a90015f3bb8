import { EventValue } from "../../../api/eventbridge/pattern/matchers.js";
import type { TokenKind, TokenSource } from "../../../api/eventbridge/pattern/tokens.js";

/**
 * An event flattened the way event-ruler sees it: every leaf value under its dot-joined path
 * (`{"a":{"b.c":1}}` and `{"a":{"b":{"c":1}}}` both give `a.b.c`), objects and empty arrays
 * contributing no value of their own, and each value remembering which element of which array it
 * came from, so conditions on one array of objects can be held to a single element.
 */

/** Pairs of (array id, element index) from the outermost array inward. */
export type Membership = readonly number[];

export interface EventField {
  readonly value: EventValue;
  readonly membership: Membership;
}

export type FlatEvent = ReadonlyMap<string, readonly EventField[]>;

const NO_ARRAYS: Membership = [];

/** Thrown when the event is not a JSON object. */
export class NotAnObjectError extends Error {}

interface Walk {
  readonly source: TokenSource;
  readonly wanted: ReadonlySet<string> | undefined;
  readonly fields: Map<string, EventField[]>;
  arrays: number;
}

/**
 * Flattens the event read from `source`. When `wanted` is given, only those paths are kept
 * (the rest are still read, to stay in step with the tokens).
 */
export function flattenEvent(source: TokenSource, wanted?: ReadonlySet<string>): FlatEvent {
  if (source.next() !== "{") throw new NotAnObjectError("event is not a JSON object");
  const walk: Walk = { source, wanted, fields: new Map(), arrays: 0 };
  walkObject(walk, "", NO_ARRAYS);
  return walk.fields;
}

// Module-level functions rather than closures: this runs for every event on every bus.
function walkObject(walk: Walk, prefix: string, membership: Membership): void {
  const { source } = walk;
  for (let t = source.next(); t !== "}"; t = source.next()) {
    const name = source.text();
    walkValue(walk, prefix === "" ? name : `${prefix}.${name}`, source.next(), membership);
  }
}

function walkValue(walk: Walk, path: string, token: TokenKind | null, membership: Membership): void {
  if (token === "{") walkObject(walk, path, membership);
  else if (token === "[") {
    const id = walk.arrays++;
    let index = 0;
    for (let t = walk.source.next(); t !== "]"; t = walk.source.next()) {
      walkValue(walk, path, t, [...membership, id, index++]);
    }
  } else if (token !== null && (!walk.wanted || walk.wanted.has(path))) {
    const value = new EventValue(token as EventValue["kind"], walk.source.text());
    const list = walk.fields.get(path);
    if (list) list.push({ value, membership });
    else walk.fields.set(path, [{ value, membership }]);
  }
}
