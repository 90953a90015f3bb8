/** Delivery counts per rule as a table (`health`, `metrics`): a column per count, right-aligned. */
import type { DeliveryCounts } from "../gen/types.gen.js";

export type CountName = keyof DeliveryCounts;

const TITLES: Record<CountName, string> = {
  matched: "matched",
  delivered: "delivered",
  failed: "failed",
  deadLettered: "dead-lettered",
  throttled: "throttled",
};

/** Indented lines: a header, then each rule with `cell(rule, count)` in each column. */
export function countsTable<R extends { rule: string }>(
  rules: R[],
  columns: readonly CountName[],
  cell: (rule: R, count: CountName) => string,
): string[] {
  const width = Math.max(4, ...rules.map((r) => r.rule.length));
  const row = (first: string, cells: string[]) =>
    `  ${first.padEnd(width)}  ${cells.map((c) => c.padStart(13)).join(" ")}`;
  return [
    row(
      "rule",
      columns.map((c) => TITLES[c]),
    ),
    ...rules.map((r) =>
      row(
        r.rule,
        columns.map((c) => cell(r, c)),
      ),
    ),
  ];
}
