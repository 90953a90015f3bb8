/**
 * Property-based (fast-check, seeded): on generated patterns and events, the matcher agrees with
 * the naive one (naive.ts): RuleIndex over many patterns, and one pattern at a time. Events are
 * written with whitespace, escaped names and values, dotted names and arrays of objects, since the
 * scanner reads the text itself.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CompiledPattern,
  matchesEventPattern,
  RuleIndex,
  validateEventPattern,
} from "../../../api/eventbridge/pattern/index.js";
import { naiveMatches } from "./naive.js";

const SEGMENTS = ["source", "detail", "items", "sku", "n", "a", "b", "a.b", "", "x"];
const STRINGS = ["a", "b", "ab", "A", "", "10.0.0.1", "x/y.png", "é", 'q"t', "line\nbreak"];
const NUMBERS = [0, 1, 2.5, -3, 10, 1e21, 300];

const scalar = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.constantFrom(...NUMBERS),
  fc.constantFrom(true, false, null),
);

/** Event values: scalars, objects of known names, arrays of either. */
const { value: eventValue } = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    tie("object"),
    fc.array(fc.oneof(scalar, tie("object"), fc.array(scalar, { maxLength: 2 })), { maxLength: 3 }),
  ),
  object: fc.dictionary(fc.constantFrom(...SEGMENTS), tie("value"), { maxKeys: 4 }),
}));

const event = fc.dictionary(fc.constantFrom(...SEGMENTS), eventValue, { maxKeys: 5 });

/** The event's JSON text, compact or spaced, with some names and strings written with escapes. */
const eventTextOf = (e: Record<string, unknown>, spaced: boolean, escaped: boolean) => {
  const text = JSON.stringify(e, null, spaced ? 1 : undefined);
  return escaped
    ? text.replace(
        /"(sku|a|ab)"/g,
        (_, s: string) => `"${s.slice(0, -1)}\\u00${s.charCodeAt(s.length - 1).toString(16)}"`,
      )
    : text;
};

const operand = fc.oneof(
  scalar,
  fc.constantFrom(
    { prefix: "a" },
    { prefix: "" },
    { suffix: "b" },
    { "equals-ignore-case": "AB" },
    { prefix: { "equals-ignore-case": "A" } },
    { wildcard: "*b" },
    { wildcard: "x/*.png" },
    { "anything-but": "a" },
    { "anything-but": [1, 2] },
    { "anything-but": { prefix: "a" } },
    { numeric: [">", 1] },
    { numeric: [">=", 0, "<", 10] },
    { exists: true },
    { exists: false },
    { cidr: "10.0.0.0/24" },
  ),
);

const PATHS = [
  "source",
  "detail.n",
  "detail.items.sku",
  "detail.items.n",
  "items",
  "items.a",
  "items.b",
  "a.b",
  "a",
  "x",
  ".a",
  "detail.items",
];

/** Field conditions, each path set at most once, nested as an object (dots split into levels). */
const conditions = fc.dictionary(
  fc.constantFrom(...PATHS),
  fc.array(operand, { minLength: 1, maxLength: 3 }),
  {
    minKeys: 1,
    maxKeys: 3,
  },
);

const pattern = fc
  .tuple(conditions, fc.option(fc.tuple(conditions, conditions), { freq: 3 }))
  .map(([fields, or]) => (or ? { ...fields, $or: [or[0], or[1]] } : fields));

function compiled(p: unknown): CompiledPattern | undefined {
  const v = validateEventPattern(p);
  return v.ok ? v.pattern : undefined;
}

describe("the matcher agrees with the naive one", () => {
  it("one pattern at a time", () => {
    fc.assert(
      fc.property(pattern, event, fc.boolean(), fc.boolean(), (p, e, spaced, escaped) => {
        const c = compiled(p);
        if (!c) return;
        const text = eventTextOf(e, spaced, escaped);
        expect(matchesEventPattern(c, text)).toBe(naiveMatches(c, text));
      }),
      { seed: 2222, numRuns: 3000 },
    );
  });

  it("many patterns in one index", () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 1, maxLength: 40 }),
        fc.array(event, { maxLength: 20 }),
        (ps, es) => {
          const index = new RuleIndex<number>();
          const patterns = ps.map(compiled);
          patterns.forEach((c, i) => {
            if (c) index.add(i, c);
          });
          for (const e of es) {
            const text = eventTextOf(e, false, false);
            const expected = patterns.flatMap((c, i) => (c && naiveMatches(c, text) ? [i] : []));
            expect(index.match(text)).toEqual(expected);
            expect(index.match(e)).toEqual(expected);
          }
        },
      ),
      { seed: 22, numRuns: 300 },
    );
  });
});
