/**
 * How long the limits' worst cases hold the event loop (#15), per kind of input: every request of
 * test/security/worst-inputs.ts goes through the embedded default (`startLocal`, real HTTP), one at
 * a time, while perf_hooks.monitorEventLoopDelay records how late the loop ran; the row of a kind is
 * its worst input (median of a few runs), against an ordinary `POST /v1/validate` of the seed
 * example in the same run. Budget: about 100 ms each (SECURITY.md, "Bounded parsing").
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";
import { type InputKind, WORST_REQUESTS } from "../security/worst-inputs.js";
import type { BenchRow } from "./lib.js";

const ADMIN_KEY = "sy_bench-admin-key-000000000000000000000000000";
const RUNS = 3;

export default async function (): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "switchyard-bench-"));
  const local = await startLocal({
    port: 0,
    dataDir,
    adminKey: ADMIN_KEY,
    log: silentLogger,
    print: () => {},
  });
  try {
    const admin = (p: string, body: unknown) =>
      fetch(`${local.url}${p}`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    await admin("/v1/teams", { name: "bench" });
    const { secret } = await admin("/v1/teams/bench/api-keys", { name: "bench", role: "maintainer" });

    const delay = monitorEventLoopDelay({ resolution: 1 });
    /**
     * The longest the loop was held while one request was answered, and the process's CPU time for
     * the request (which other processes on the machine do not inflate), in ms; medians of RUNS.
     */
    const held = async (requestPath: string, contentType: string, body: string, status: number) => {
      const runs: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const before = process.cpuUsage();
        delay.reset();
        delay.enable();
        const res = await fetch(`${local.url}${requestPath}`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": contentType },
          body,
        });
        await res.arrayBuffer();
        delay.disable();
        if (res.status !== status) throw new Error(`${requestPath} answered ${res.status}, not ${status}`);
        runs.push(delay.max / 1e6);
        const used = process.cpuUsage(before);
        cpu.push((used.user + used.system) / 1000);
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
      return { ms: median(runs), cpuMs: median(cpu) };
    };

    const seed = await readFile(new URL("../fixtures/configs/seed.yaml", import.meta.url), "utf8");
    await held("/v1/validate", "application/yaml", seed, 200); // warm-up: loads the config language
    const ordinary = await held("/v1/validate", "application/yaml", seed, 200);
    const baseline = {
      name: `POST /v1/validate of the seed example (4 resources; CPU ${ordinary.cpuMs.toFixed(1)} ms)`,
      value: ordinary.ms,
    };

    const worst = new Map<InputKind, { name: string; ms: number; cpuMs: number }>();
    for (const w of WORST_REQUESTS) {
      const t = await held(w.path, w.contentType, w.body, w.status);
      if (t.ms >= (worst.get(w.kind)?.ms ?? -1)) worst.set(w.kind, { name: w.name, ...t });
    }
    return [...worst].map(([kind, w]) => ({
      name: `event loop held by the worst ${kind} (of ${WORST_REQUESTS.filter((r) => r.kind === kind).length}; CPU ${w.cpuMs.toFixed(0)} ms): ${w.name}`,
      unit: "ms",
      value: w.ms,
      baseline,
      better: "lower",
      target: "about 100 ms",
    }));
  } finally {
    await local.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
