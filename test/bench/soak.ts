/**
 * `npm run soak`: sustained load on the embedded default (startLocal, what `npm start` runs), to
 * show that memory and disk level off. Deployments alternate two versions of the README's example
 * over a few stages, with reads between them, events published to the stage's bus and, now and then,
 * a replay of its archive. At every interval it prints the process's memory (RSS; heap and external
 * memory after a full GC), the data folder's size and LevelDB table count, how many items the
 * store holds, and latency percentiles of the interval, then a verdict: growth over the measured
 * deployments after the warm-up.
 *
 * Settings (environment): SOAK_WARMUP (deployments before measuring, 100), SOAK_DEPLOYMENTS
 * (measured deployments, 500), SOAK_MINUTES (time limit, 8), SOAK_EVERY (deployments per line, 50),
 * SOAK_STAGES (3), SOAK_MAX_GROWTH_MB (heap growth the verdict allows, 5). Retention is smaller
 * than the defaults, so that the store reaches its retained size during the warm-up: 20 deployments
 * per stage and 200 deliveries per bus unless SWITCHYARD_RETAIN_* say otherwise. Exits 1 when the
 * heap grew more than allowed.
 */
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { type LocalServer, startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";

const setting = (name: string, fallback: number) => {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number (it is "${raw}")`);
  return n;
};
const WARMUP = setting("SOAK_WARMUP", 150);
const MEASURED = setting("SOAK_DEPLOYMENTS", 500);
const MINUTES = setting("SOAK_MINUTES", 10);
const EVERY = Math.max(1, setting("SOAK_EVERY", 50));
const STAGES = Math.max(1, setting("SOAK_STAGES", 3));
const MAX_GROWTH_MB = setting("SOAK_MAX_GROWTH_MB", 5);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write("Run with node --expose-gc (npm run soak does): heap figures need a full GC.\n");
  process.exit(2);
}

// Smaller than the defaults (see above), so the store reaches its retained size in the warm-up.
process.env.SWITCHYARD_RETAIN_DEPLOYMENTS ??= "20";
process.env.SWITCHYARD_RETAIN_DELIVERIES ??= "200";

const dataDir = await mkdtemp(path.join(os.tmpdir(), "switchyard-soak-"));
const adminKey = "sy_soak_admin_key_000000000000000";
const server: LocalServer = await startLocal({
  port: 0,
  dataDir,
  adminKey,
  log: silentLogger,
  print: () => {},
});

/** Latencies of the current interval, by kind of call. */
const latencies = new Map<string, number[]>();
async function call(
  kind: string,
  p: string,
  method: string,
  key: string,
  body?: unknown,
  type = "application/json",
) {
  const started = performance.now();
  const res = await fetch(`${server.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": type }) },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const list = latencies.get(kind) ?? [];
  list.push(performance.now() - started);
  latencies.set(kind, list);
  if (res.status >= 400) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const example = await readFile(new URL("../../examples/stacktape.yaml", import.meta.url), "utf8");
const v2 = example.replace("memory: 200", "memory: 400");
if (v2 === example) throw new Error("examples/stacktape.yaml no longer has the line the soak changes");

await call("setup", "/v1/teams", "POST", adminKey, { name: "soak" });
const { secret: key } = await call("setup", "/v1/teams/soak/api-keys", "POST", adminKey, {
  name: "soak",
  role: "admin",
});
await call("setup", "/v1/projects", "POST", key, { name: "orders" });
await call("setup", "/v1/projects/orders/configs", "POST", key, example, "application/yaml");
await call("setup", "/v1/projects/orders/configs", "POST", key, v2, "application/yaml");

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const stagePath = (n: number) => `/v1/projects/orders/stages/s${n % STAGES}`;

async function deployment(n: number): Promise<void> {
  const stage = stagePath(n);
  const started = performance.now();
  const { id } = await call("deploy", `${stage}/deployments`, "POST", key, { configVersion: 1 + (n % 2) });
  for (;;) {
    const d = await call("read", `/v1/deployments/${id}`, "GET", key);
    if (TERMINAL.has(d.status)) {
      if (d.status !== "SUCCEEDED") throw new Error(`deployment ${id} ended ${d.status}: ${d.reason}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  latencies.get("deploy")?.pop();
  (latencies.get("deploy") as number[]).push(performance.now() - started);
  // Reads between deployments, as people and the portal do them.
  await call("read", stage, "GET", key);
  await call("read", `${stage}/deployments?limit=20`, "GET", key);
  await call("read", "/v1/projects/orders/configs", "GET", key);
  await call("read", `${stage}/buses/myEventBus/rules`, "GET", key);
  const bus = `${stage}/buses/myEventBus`;
  await call("publish", `${bus}/events`, "POST", key, {
    entries: Array.from({ length: 5 }, (_, i) => ({
      source: "soak",
      "detail-type": "budget",
      detail: { EventName: "BUDGET_ANALYSIS", n, i },
    })),
  });
  await call("read", `${bus}/deliveries?limit=20`, "GET", key);
  if (n % 10 === 0) {
    const to = new Date();
    const from = new Date(to.getTime() - 60_000);
    const replay = await call("replay", `${bus}/replays`, "POST", key, {
      from: from.toISOString(),
      to: to.toISOString(),
    });
    for (;;) {
      const r = await call("read", `${bus}/replays/${replay.name}`, "GET", key);
      if (!["STARTING", "RUNNING"].includes(r.state)) break;
      await new Promise((res) => setTimeout(res, 10));
    }
  }
}

async function folder(dir: string): Promise<{ bytes: number; tables: number }> {
  let bytes = 0;
  let tables = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    bytes += (await stat(path.join(e.parentPath, e.name))).size;
    if (e.name.endsWith(".ldb")) tables++;
  }
  return { bytes, tables };
}

async function storedItems(): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await server.deps.table.doc.send(
      new ScanCommand({ TableName: server.deps.table.name, Select: "COUNT", ExclusiveStartKey: start }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

const pct = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

interface Sample {
  deployments: number;
  rss: number;
  heap: number;
  external: number;
  data: number;
}
const samples: Sample[] = [];

async function sample(deployments: number, elapsed: number): Promise<void> {
  gc?.();
  const mem = process.memoryUsage();
  const disk = await folder(dataDir);
  const items = await storedItems();
  samples.push({ deployments, rss: mem.rss, heap: mem.heapUsed, external: mem.external, data: disk.bytes });
  const lat = (kind: string) => {
    const v = latencies.get(kind) ?? [];
    return `${kind} p50 ${pct(v, 0.5).toFixed(0)} p99 ${pct(v, 0.99).toFixed(0)}`;
  };
  console.log(
    [
      `${String(deployments).padStart(5)} deployments`,
      `${(elapsed / 1000).toFixed(0).padStart(4)} s`,
      `rss ${mb(mem.rss)} MB`,
      `heap ${mb(mem.heapUsed)} MB`,
      `external ${mb(mem.external)} MB`,
      `data ${mb(disk.bytes)} MB (${disk.tables} tables, ${items} items, ${(disk.bytes / Math.max(1, items) / 1024).toFixed(1)} KiB/item)`,
      `swept ${server.sweeper.deleted}`,
      `ms: ${lat("deploy")}, ${lat("read")}, ${lat("publish")}, ${lat("replay")}`,
    ].join(" | "),
  );
  latencies.clear();
}

const started = Date.now();
const deadline = started + MINUTES * 60_000;
let done = 0;
let stoppedEarly = false;
console.log(
  `soak: ${WARMUP} warm-up + ${MEASURED} measured deployments over ${STAGES} stages, at most ${MINUTES} min; ` +
    `retention ${process.env.SWITCHYARD_RETAIN_DEPLOYMENTS} deployments per stage, ${process.env.SWITCHYARD_RETAIN_DELIVERIES} deliveries per bus; data in ${dataDir}`,
);
try {
  await sample(0, 0);
  while (done < WARMUP + MEASURED) {
    if (Date.now() > deadline) {
      stoppedEarly = true;
      break;
    }
    await deployment(done);
    done++;
    if (done % EVERY === 0 || done === WARMUP) await sample(done, Date.now() - started);
  }
} finally {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}

const warm = samples.find((s) => s.deployments >= WARMUP) ?? samples[0]!;
const last = samples.at(-1)!;
const measured = last.deployments - warm.deployments;
const growth = (k: "rss" | "heap" | "external" | "data") => mb(last[k] - warm[k]);
console.log(
  `after warm-up (${warm.deployments} deployments), ${measured} more deployments: heap ${growth("heap")} MB, ` +
    `external ${growth("external")} MB, rss ${growth("rss")} MB, data folder ${growth("data")} MB` +
    (stoppedEarly ? ` (time limit reached after ${done} deployments)` : ""),
);
const heapGrowthMb = (last.heap - warm.heap) / 1024 / 1024;
if (heapGrowthMb > MAX_GROWTH_MB) {
  console.log(
    `FAIL: the heap grew ${heapGrowthMb.toFixed(1)} MB, more than SOAK_MAX_GROWTH_MB=${MAX_GROWTH_MB}`,
  );
  process.exit(1);
}
console.log(`ok: the heap grew ${heapGrowthMb.toFixed(1)} MB (allowed: ${MAX_GROWTH_MB} MB)`);
