/**
 * RuleIndex must give exactly what the naive matcher (naive.ts) gives with each pattern on its own. Rules and events are
 * generated from a small vocabulary (seeded, so failures replay) so that many of them overlap.
 */
import { describe, expect, it } from "vitest";
import {
  type CompiledPattern,
  RuleIndex,
  validateEventPattern,
} from "../../../api/eventbridge/pattern/index.js";
import { naiveMatches } from "./naive.js";

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const STRINGS = ["a", "b", "ab", "ba", "A", "", "10.0.0.1", "x/y.png", "Ab"];
const NUMBERS = [0, 1, 2, 2.5, 10, -3];
const FIELDS = ["source", "detail-type", "detail.state", "detail.n", "detail.items.sku", "detail.items.qty"];

function matchValue(r: Rand): unknown {
  switch (Math.floor(r() * 16)) {
    case 0:
      return pick(r, NUMBERS);
    case 1:
      return pick(r, [true, false, null]);
    case 2:
      return { prefix: pick(r, ["a", "", "x/"]) };
    case 3:
      return { suffix: pick(r, ["b", ".png", ""]) };
    case 4:
      return { "equals-ignore-case": pick(r, ["ab", "A"]) };
    case 5:
      return { prefix: { "equals-ignore-case": "A" } };
    case 6:
      return { wildcard: pick(r, ["*b", "a*", "x/*.png", "*"]) };
    case 7:
      return { "anything-but": pick(r, ["a", 1, ["a", "b"], [1, 2], { prefix: "a" }, { suffix: "b" }]) };
    case 8:
      return { "anything-but": { "equals-ignore-case": pick(r, ["ab", ["a", "B"]]) } };
    case 9:
      return {
        numeric: pick(r, [
          [">", 1],
          ["<=", 2],
          [">=", 0, "<", 10],
          ["=", 2],
        ]),
      };
    case 10:
      return { exists: r() < 0.5 };
    case 11:
      return { cidr: "10.0.0.0/24" };
    default:
      return pick(r, STRINGS);
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const k of keys.slice(0, -1)) {
    node[k] = (node[k] as Record<string, unknown> | undefined) ?? {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function conditions(r: Rand): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const values = Array.from({ length: 1 + Math.floor(r() * 2) }, () => matchValue(r));
    setPath(out, pick(r, FIELDS), values);
  }
  return out;
}

function pattern(r: Rand): Record<string, unknown> {
  const p = conditions(r);
  if (r() < 0.2) p.$or = [conditions(r), conditions(r)];
  return p;
}

function scalar(r: Rand): unknown {
  const roll = r();
  if (roll < 0.55) return pick(r, STRINGS);
  if (roll < 0.85) return pick(r, NUMBERS);
  return pick(r, [true, false, null]);
}

function event(r: Rand): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  for (const f of ["source", "detail-type", "detail.state", "detail.n"]) {
    if (r() < 0.8) setPath(e, f, r() < 0.15 ? [scalar(r), scalar(r)] : scalar(r));
  }
  if (r() < 0.7) {
    const items = Array.from({ length: Math.floor(r() * 3) }, () => {
      const item: Record<string, unknown> = {};
      if (r() < 0.8) item.sku = scalar(r);
      if (r() < 0.8) item.qty = scalar(r);
      return item;
    });
    setPath(e, "detail.items", items);
  }
  return e;
}

function compile(p: unknown): CompiledPattern {
  const v = validateEventPattern(p);
  if (!v.ok) throw new Error(`${v.message}: ${JSON.stringify(p)}`);
  return v.pattern;
}

describe("RuleIndex", () => {
  it("matches exactly what the naive matcher matches with each pattern alone (400 rules × 300 events)", () => {
    const r = prng(20261126);
    const rules = new Map<string, CompiledPattern>();
    const index = new RuleIndex<string>();
    for (let i = 0; i < 400; i++) {
      const p = pattern(r);
      const v = validateEventPattern(p);
      if (!v.ok) continue; // e.g. a generated empty range; still a fair rule set
      rules.set(`r${i}`, v.pattern);
      index.add(`r${i}`, v.pattern);
    }
    expect(rules.size).toBeGreaterThan(350);
    let matches = 0;
    for (let i = 0; i < 300; i++) {
      const e = event(r);
      const expected = [...rules].filter(([, p]) => naiveMatches(p, JSON.stringify(e))).map(([k]) => k);
      expect(index.match(e), JSON.stringify(e)).toEqual(expected);
      expect(index.match(JSON.stringify(e))).toEqual(expected);
      matches += expected.length;
    }
    // The generated rules must actually match things, or the comparison says little.
    expect(matches).toBeGreaterThan(300);
  });

  it("stops matching removed rules and replaces a rule added again under its key", () => {
    const index = new RuleIndex<string>();
    index.add("a", compile({ source: ["s"] }));
    index.add("b", compile({ source: [{ prefix: "s" }] }));
    expect(index.match({ source: "s" })).toEqual(["a", "b"]);
    index.remove("a");
    expect(index.match({ source: "s" })).toEqual(["b"]);
    index.add("b", compile({ source: ["t"] }));
    expect(index.match({ source: "s" })).toEqual([]);
    expect(index.match({ source: "t" })).toEqual(["b"]);
    expect(index.size).toBe(1);
  });

  it("checks rules with no indexable condition against every event", () => {
    const index = new RuleIndex<number>();
    index.add(1, compile({ n: [{ numeric: [">", 5] }] }));
    index.add(2, compile({ gone: [{ exists: false }] }));
    expect(index.match('{"n": 6}')).toEqual([1, 2]);
    expect(index.match('{"n": 5, "gone": 1}')).toEqual([]);
  });

  it("matches nothing for an event that is not a JSON object", () => {
    const index = new RuleIndex<number>();
    index.add(1, compile({ a: [{ exists: false }] }));
    expect(index.match("[1]")).toEqual([]);
    expect(index.match('{"a": ')).toEqual([]);
    expect(index.match('{"b": 1}')).toEqual([1]);
  });

  it("reads event text only where rules look, and reads it right there", () => {
    const index = new RuleIndex<string>();
    index.add("source", compile({ source: ["s"] }));
    index.add("tags", compile({ detail: { tags: ["b"] } }));
    // Skipped members may hold anything JSON allows: brackets and escaped quotes in strings.
    const noise = '"x":{"y":["]}",{"z":"\\"}{"}],"w":-1.5e3,"v":[true,null,{}]}';
    expect(index.match(`{${noise},"source":"s"}`)).toEqual(["source"]);
    // Whitespace, escapes in names and values, a name given twice (both values count).
    expect(
      index.match('{ "sour\u0063e" : "\u0073" , "detail" : { "tags" : [ "a" ] , "tags" : "b" } }'),
    ).toEqual(["source", "tags"]);
    // Text that breaks off or is not JSON where it is read matches nothing.
    expect(index.match('{"source":"s"')).toEqual([]);
    expect(index.match('{"source":s}')).toEqual([]);
    expect(index.match('{"source":"sq"}')).toEqual([]);
  });
});
