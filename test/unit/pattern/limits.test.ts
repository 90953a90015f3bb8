import { describe, expect, it } from "vitest";
import {
  MAX_OR_COMBINATIONS,
  MAX_OR_CONDITIONS,
  matchesEventPattern,
  validateEventPattern,
} from "../../../api/eventbridge/pattern/index.js";
import { expectInvalid } from "./support.js";

const TOO_COMPLEX =
  "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

/** Sibling `$or`s under fields o0, o1, ..., the i-th with `alternatives[i]` alternatives. */
function siblingOrs(alternatives: readonly number[], extra: Record<string, unknown> = {}): string {
  const pattern: Record<string, unknown> = { ...extra };
  alternatives.forEach((n, i) => {
    pattern[`o${i}`] = { $or: Array.from({ length: n }, (_, k) => ({ [`k${k}`]: [k] })) };
  });
  return JSON.stringify(pattern);
}

function compiled(text: string) {
  const v = validateEventPattern(text);
  if (!v.ok) throw new Error(v.message);
  return v.pattern;
}
const branchesOf = (text: string) => compiled(text).branches;

describe("$or combination limit", () => {
  it("accepts a pattern that expands into exactly the limit, and matches through every branch", () => {
    const text = siblingOrs(Array(10).fill(2));
    expect(MAX_OR_COMBINATIONS).toBe(1024);
    const pattern = compiled(text);
    expect(pattern.branches).toHaveLength(1024);
    const event = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`o${i}`, { k1: 1 }]));
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...event, o9: { k2: 2 } })).toBe(false);
  });

  it("refuses one combination more with EventBridge's message", () => {
    // 5 × 5 × 41 = 1,025 combinations.
    expectInvalid(siblingOrs([5, 5, 41]), TOO_COMPLEX);
  });

  it("counts nested $or alternatives as the branches they expand into", () => {
    // Each of 3 outer alternatives holds two 2-way $ors (4 branches): 12; two siblings 144, three 1,728.
    const inner = { $or: [{ a: [1] }, { b: [1] }] };
    const outer = (n: number) => ({
      $or: Array.from({ length: n }, (_, k) => ({ [`x${k}`]: { ...inner }, [`y${k}`]: { ...inner } })),
    });
    expect(branchesOf(JSON.stringify({ p: outer(3) }))).toHaveLength(12);
    expect(branchesOf(JSON.stringify({ p: outer(3), q: outer(3) }))).toHaveLength(144);
    expectInvalid(JSON.stringify({ p: outer(3), q: outer(3), r: outer(3) }), TOO_COMPLEX);
  });

  it("refuses 2^60 combinations without expanding them (expansion would never finish)", () => {
    expectInvalid(siblingOrs(Array(60).fill(2)), TOO_COMPLEX);
    // The same as raw text with sibling "$or" keys in one object (duplicate keys are read one by one).
    const ors = Array.from({ length: 60 }, () => '"$or":[{"a":[1]},{"b":[2]}]').join(",");
    expectInvalid(`{${ors}}`, TOO_COMPLEX);
  });

  it("limits the field conditions over all combinations", () => {
    // 1,024 branches of 10 $or conditions plus the shared fields: 6 shared fields give 16,384.
    const shared = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, [i]]));
    expect(MAX_OR_CONDITIONS).toBe(16_384);
    expect(branchesOf(siblingOrs(Array(10).fill(2), shared(6)))).toHaveLength(1024);
    expectInvalid(siblingOrs(Array(10).fill(2), shared(7)), TOO_COMPLEX);
  });

  it("reports a syntax problem anywhere in the pattern before its complexity", () => {
    const text = siblingOrs(Array(40).fill(2)).replace(/}$/, ',"z":["a",{"prefixx":"b"}]}');
    expectInvalid(text, "Unrecognized match type prefixx");
  });
});

describe("wildcard complexity stays bounded on long patterns", () => {
  it("scores a 4,000-character wildcard of distinct characters as AWS would accept it", () => {
    const chars = Array.from({ length: 4000 }, (_, i) => String.fromCharCode(0x4e00 + i)).join("");
    const text = JSON.stringify({ a: [{ wildcard: `${chars}*` }] });
    expect(validateEventPattern(text).ok).toBe(true);
  });
});
