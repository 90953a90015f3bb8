/**
 * What starting the `switchyard` CLI costs a pipeline step: `switchyard --help` (the package's bin,
 * compiled) next to a bare `node -e ""` start, each timed as a whole process, interleaved, median
 * of 15 runs of each (the machine is shared: one slow start must not decide).
 */
import { spawnSync } from "node:child_process";
import { CLI_BIN, ensureCliBuilt, ROOT } from "../support/cli.js";
import type { BenchRow } from "./lib.js";

function timed(args: string[]): number {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "ignore" });
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}`);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export default async function (): Promise<BenchRow[]> {
  ensureCliBuilt();
  const bare: number[] = [];
  const help: number[] = [];
  timed([CLI_BIN, "--help"]); // warm the file cache
  for (let i = 0; i < 15; i++) {
    bare.push(timed(["-e", ""]));
    help.push(timed([CLI_BIN, "--help"]));
  }
  return [
    {
      name: "switchyard --help, a whole process (median of 15)",
      unit: "ms",
      value: median(help),
      baseline: { name: 'node -e "" (median of 15)', value: median(bare) },
      better: "lower",
      target: "≤ 4x",
    },
  ];
}
