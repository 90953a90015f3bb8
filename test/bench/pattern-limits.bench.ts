/**
 * Worst cases of the pattern limits (#15): the slowest patterns a tenant can send that are still
 * accepted, and the refused ones, each timed (median of validate, test against an event, rule index
 * build) against a typical pattern in the same run. Budget: every one well under 100 ms.
 */
import { RuleIndex, testEventPattern, validateEventPattern } from "../../api/eventbridge/pattern/index.js";
import { type BenchRow, measure } from "./lib.js";

/** `alternatives.length` sibling `$or`s, plus `shared` plain fields. */
function orPattern(alternatives: readonly number[], shared: number): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  alternatives.forEach((n, i) => {
    p[`o${i}`] = { $or: Array.from({ length: n }, (_, k) => ({ [`k${k}`]: [k] })) };
  });
  for (let i = 0; i < shared; i++) p[`f${i}`] = [i];
  return p;
}

const distinct = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + i)).join("");

const CASES: [string, unknown][] = [
  [
    "typical pattern (source, detail-type, 3 detail filters)",
    {
      source: ["orders"],
      "detail-type": ["Order Placed"],
      detail: {
        amount: [{ numeric: [">", 100] }],
        region: [{ prefix: "eu-" }],
        state: [{ "anything-but": "x" }],
      },
    },
  ],
  ["accepted: 1,024 $or combinations x 16 conditions (both limits)", orPattern(Array(10).fill(2), 6)],
  ["accepted: 729 $or combinations x 16 conditions", orPattern(Array(6).fill(3), 10)],
  ["accepted: 2 combinations x 290 conditions (4,000 chars)", orPattern([2], 288)],
  ["accepted: wildcard of 4,000 distinct characters", { a: [{ wildcard: `${distinct(4000)}*` }] }],
  ["refused: 100 sibling $or (2^100 combinations)", orPattern(Array(100).fill(2), 0)],
  ["refused: 1,025 combinations", orPattern([5, 5, 41], 0)],
];

export default async function (): Promise<BenchRow[]> {
  const median = async (fn: () => unknown, iterations = 200) => (await measure(fn, iterations, 20)).p50Ms;
  const rows: BenchRow[] = [];
  let baseline: { name: string; value: number } | undefined;
  for (const [name, pattern] of CASES) {
    const text = JSON.stringify(pattern);
    const event = JSON.stringify(
      Object.fromEntries(Object.keys(pattern as object).map((k) => [k, k.startsWith("o") ? { k1: 1 } : 1])),
    );
    const validate = await median(() => validateEventPattern(text));
    const test = await median(() => testEventPattern(text, event));
    const compiled = validateEventPattern(text);
    if (compiled.ok !== !name.startsWith("refused")) throw new Error(`${name}: accepted ${compiled.ok}`);
    const build = compiled.ok
      ? await median(() => {
          const index = new RuleIndex<number>();
          index.add(1, compiled.pattern);
          index.match(event);
        }, 50)
      : 0;
    const worst = Math.max(validate, test, build);
    baseline ??= { name: "typical pattern, slowest of the three", value: worst };
    rows.push({
      name: `pattern limits, ${name}: median ms of validate ${validate.toFixed(2)} / test ${test.toFixed(2)} / index ${build.toFixed(2)}`,
      unit: "ms",
      value: worst,
      baseline,
      better: "lower",
      target: "< 100 ms",
    });
  }
  return rows;
}
