import { EventValue } from "./matchers.js";
import type { TokenKind, TokenSource } from "./tokens.js";

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

/**
 * Flattens the event read from `source`. When `wanted` is given, only those paths are kept
 * (the rest are still read, to stay in step with the tokens).
 */
export function flattenEvent(source: TokenSource, wanted?: ReadonlySet<string>): FlatEvent {
  const fields = new Map<string, EventField[]>();
  let arrays = 0;

  const add = (path: string, kind: TokenKind, membership: Membership) => {
    if (wanted && !wanted.has(path)) return;
    const value = new EventValue(kind as EventValue["kind"], source.text());
    const list = fields.get(path);
    if (list) list.push({ value, membership });
    else fields.set(path, [{ value, membership }]);
  };

  const walkValue = (path: string, token: TokenKind | null, membership: Membership): void => {
    if (token === "{") walkObject(path, membership);
    else if (token === "[") {
      const id = arrays++;
      let index = 0;
      for (let t = source.next(); t !== "]"; t = source.next())
        walkValue(path, t, [...membership, id, index++]);
    } else if (token !== null) add(path, token, membership);
  };

  const walkObject = (prefix: string, membership: Membership): void => {
    for (let t = source.next(); t !== "}"; t = source.next()) {
      const name = source.text();
      walkValue(prefix === "" ? name : `${prefix}.${name}`, source.next(), membership);
    }
  };

  if (source.next() !== "{") throw new NotAnObjectError("event is not a JSON object");
  walkObject("", NO_ARRAYS);
  return fields;
}
