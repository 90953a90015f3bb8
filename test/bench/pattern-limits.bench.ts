/**
 * Worst cases of the pattern limits (#15): the slowest patterns a tenant can send that are still
 * accepted, and the refused ones (test/security/hostile-patterns.ts), each timed (median of
 * validate, test against an event, rule index build) against a typical pattern in the same run.
 * Budget: every one well under 100 ms.
 */
import { RuleIndex, testEventPattern, validateEventPattern } from "../../api/eventbridge/pattern/index.js";
import { HOSTILE_PATTERNS, TYPICAL_PATTERN } from "../security/hostile-patterns.js";
import { type BenchRow, measure } from "./lib.js";

const CASES: [string, unknown][] = [TYPICAL_PATTERN, ...HOSTILE_PATTERNS].map((c) => [
  `${c === TYPICAL_PATTERN ? "" : c.accepted ? "accepted: " : "refused: "}${c.name}`,
  c.pattern,
]);

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
