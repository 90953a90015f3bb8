/**
 * The config limits' worst cases (#15): each hostile config (test/security/hostile-configs.ts) run
 * through what `POST /v1/validate` and `POST .../configs` do with it (load, content hash, compile when
 * it loads), timed next to the seed example in the same run. Budget: each well under the ~100 ms a
 * request may hold the event loop (api/config/limits.ts).
 */
import { readFile } from "node:fs/promises";
import { compile } from "../../api/compiler/index.js";
import { loadConfig } from "../../api/config/index.js";
import { contentHash } from "../../api/store/canonical.js";
import { HOSTILE_CONFIGS } from "../security/hostile-configs.js";
import { type BenchRow, measure } from "./lib.js";

/** Whether the config loads and compiles, doing all the work either takes. */
function validateAndPost(config: unknown): boolean {
  const loaded = loadConfig(config);
  if (!loaded.ok) return false;
  contentHash(loaded.config);
  try {
    compile(loaded.config, { project: "bench", stage: "dev" });
    return true;
  } catch {
    // A config problem only visible when compiling: answered as 422 like a load problem.
    return false;
  }
}

export default async function (): Promise<BenchRow[]> {
  const seed = await readFile(new URL("../fixtures/configs/seed.yaml", import.meta.url), "utf8");
  const timed = async (config: unknown) => measure(() => validateAndPost(config), 15, 3);
  const normal = await timed(seed);
  const baseline = { name: "the seed example (4 resources), median", value: normal.p50Ms };
  const rows: BenchRow[] = [];
  for (const hostile of HOSTILE_CONFIGS) {
    const accepted = validateAndPost(hostile.config);
    if (accepted !== hostile.accepted) throw new Error(`${hostile.name}: accepted ${accepted}`);
    const t = await timed(hostile.config);
    rows.push({
      name: `hostile config (${accepted ? "accepted" : "refused"}): ${hostile.name}, median (p99 ${t.p99Ms.toFixed(1)} ms)`,
      unit: "ms",
      value: t.p50Ms,
      baseline,
      better: "lower",
      target: "< 100 ms",
    });
  }
  return rows;
}
