/**
 * A deliberately naive EventBridge matcher, the oracle the real one is checked against: it reads
 * the whole event into (path, value, array membership) triples the way event-ruler's Event does,
 * then tries every combination of values for a branch's conditions, in path order. Operators come
 * from matchers.ts, whose semantics the conformance cases pin down; everything else (reading the
 * text, interning, indexes, anchors, array consistency) is written here from scratch.
 */
import type { CompiledPattern } from "../../../api/eventbridge/pattern/index.js";
import { JsonTextTokenSource } from "../../../api/eventbridge/pattern/json-lexer.js";
import { EventValue, matcherAccepts } from "../../../api/eventbridge/pattern/matchers.js";
import { PatternSyntaxError, type TokenKind } from "../../../api/eventbridge/pattern/tokens.js";

interface Field {
  path: string;
  value: EventValue;
  /** (array id, element index) pairs of the object/array elements the value lies in. */
  membership: number[];
}

function flatten(text: string): Field[] | undefined {
  const source = new JsonTextTokenSource(text);
  const fields: Field[] = [];
  let arrays = 0;
  const walk = (steps: string[], token: TokenKind | null, membership: number[]): void => {
    if (token === "{") {
      for (let t = source.next(); t !== "}"; t = source.next())
        walk([...steps, source.text()], source.next(), membership);
    } else if (token === "[") {
      const id = arrays++;
      let index = 0;
      for (let t = source.next(); t !== "]"; t = source.next(), index++) {
        // Only elements that are objects or arrays are elements of their own (event-ruler's rule).
        walk(steps, t, t === "{" || t === "[" ? [...membership, id, index] : membership);
      }
    } else {
      fields.push({
        path: steps.join("."),
        value: new EventValue(token as EventValue["kind"], source.text()),
        membership,
      });
    }
  };
  try {
    const first = source.next();
    if (first !== "{") return undefined;
    walk([], first, []);
  } catch (e) {
    if (e instanceof PatternSyntaxError) return undefined;
    throw e;
  }
  return fields;
}

function agrees(membership: number[], chosen: readonly number[][]): boolean {
  return chosen.every((other) => {
    for (let i = 0; i < membership.length; i += 2) {
      for (let j = 0; j < other.length; j += 2) {
        if (membership[i] === other[j] && membership[i + 1] !== other[j + 1]) return false;
      }
    }
    return true;
  });
}

export function naiveMatches(pattern: CompiledPattern, eventText: string): boolean {
  const fields = flatten(eventText);
  if (!fields) return false;
  return pattern.branches.some((branch) => {
    const choose = (i: number, chosen: number[][]): boolean => {
      const condition = branch.conditions[i];
      if (!condition) return true;
      const candidates = fields.filter((f) => f.path === condition.path && agrees(f.membership, chosen));
      for (const f of candidates) {
        if (
          condition.matchers.some((m) => matcherAccepts(m, f.value)) &&
          choose(i + 1, [...chosen, f.membership])
        ) {
          return true;
        }
      }
      return condition.absent && candidates.length === 0 && choose(i + 1, chosen);
    };
    return choose(0, []);
  });
}
