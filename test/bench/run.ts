/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (each default-exports an async function
 * returning BenchRow[]) and prints one table of measurements against baselines from the same run.
 * `npm run bench -- compile` runs only the files whose name contains "compile".
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchRow } from "./lib.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = (await readdir(here))
  .filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter)))
  .sort();

const rows: (BenchRow & { file: string })[] = [];
for (const file of files) {
  process.stderr.write(`running ${file}...\n`);
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as {
    default: () => Promise<BenchRow[]>;
  };
  for (const row of await mod.default()) rows.push({ ...row, file });
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3));
const table = rows.map((r) => ({
  measurement: r.name,
  value: `${fmt(r.value)} ${r.unit}`,
  baseline: `${fmt(r.baseline.value)} ${r.unit} (${r.baseline.name})`,
  ratio: `${(r.value / r.baseline.value).toFixed(2)}x ${r.better === "higher" ? "(higher is better)" : "(lower is better)"}`,
  target: r.target ?? "",
}));
const cols = ["measurement", "value", "baseline", "ratio", "target"] as const;
const widths = cols.map((c) => Math.max(c.length, ...table.map((t) => t[c].length)));
const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ");
console.log(line(cols));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const t of table) console.log(line(cols.map((c) => t[c])));
