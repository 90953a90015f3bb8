/**
 * The Lambda bundle: its size, and the time a fresh Node process takes to import it and answer one
 * synthetic API Gateway v2 `GET /healthz` through the exported handler, next to a bare Hono handler
 * bundled with the same esbuild options, in the same run. Medians over alternating runs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleLambda, type LambdaBundle } from "../../infra/lambda-bundle.js";
import type { BenchRow } from "./lib.js";

const RUNS = 9;
const BUDGET_BYTES = 1.5 * 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs in the fresh process: import, one invocation, timings on stdout as JSON. */
const PROBE = `
const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(process.argv[1]);
const res = await mod.handler(JSON.parse(process.argv[2]), { awsRequestId: "bench", functionName: "bench" });
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(JSON.stringify({ wallMs, cpuMs, status: res.statusCode, body: res.body }));
`;

function healthzEvent() {
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/healthz",
    rawQueryString: "",
    headers: { accept: "application/json", host: "abc123.execute-api.eu-west-1.amazonaws.com" },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method: "GET",
        path: "/healthz",
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.9",
        userAgent: "bench",
      },
      requestId: "bench-request",
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

interface Probe {
  /** Import + first answer, wall clock, inside the fresh process. */
  wallMs: number;
  /** The same span in CPU time: what a cold start costs, and steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Spawn to exit, Node's own start-up included. */
  processMs: number;
}

/** One fresh process, as the Lambda runtime would start it (source maps on, as deployed). */
function probe(bundle: LambdaBundle): Probe {
  const started = performance.now();
  const out = spawnSync(
    process.execPath,
    ["--enable-source-maps", "--input-type=module", "-e", PROBE, bundle.file, JSON.stringify(healthzEvent())],
    {
      encoding: "utf8",
      // Only what the function needs to start; no AWS credentials, so nothing can reach AWS.
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "eu-west-1",
        SWITCHYARD_TABLE_NAME: "bench",
        LOG_LEVEL: "warn",
      },
    },
  );
  const processMs = performance.now() - started;
  if (out.status !== 0) throw new Error(`probe of ${bundle.file} failed: ${out.stderr}`);
  const result = JSON.parse(out.stdout) as { wallMs: number; cpuMs: number; status: number; body: string };
  if (result.status !== 200 || !result.body.includes('"ok"')) {
    throw new Error(`probe of ${bundle.file} answered ${result.status}: ${result.body}`);
  }
  return { wallMs: result.wallMs, cpuMs: result.cpuMs, processMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export default async function (): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-lambda-bench-"));
  try {
    const real = await bundleLambda(path.join(dir, "real"));
    const bare = await bundleLambda(path.join(dir, "bare"), path.join(here, "lambda-baseline.ts"));
    const withStore = await bundleLambda(
      path.join(dir, "store"),
      path.join(here, "lambda-baseline-dynamodb.ts"),
    );
    for (const b of [real, bare, withStore]) probe(b); // let the OS cache the files before timing
    const realRuns: Probe[] = [];
    const bareRuns: Probe[] = [];
    const storeRuns: Probe[] = [];
    for (let i = 0; i < RUNS; i++) {
      bareRuns.push(probe(bare));
      storeRuns.push(probe(withStore));
      realRuns.push(probe(real));
    }
    const row = (
      name: string,
      pick: (p: Probe) => number,
      maxRatio?: number,
      baseline = { name: "bare Hono, same esbuild options", runs: bareRuns },
    ): BenchRow => {
      const value = median(realRuns.map(pick));
      const base = median(baseline.runs.map(pick));
      return {
        name: `${name} (median of ${RUNS})`,
        unit: "ms",
        value,
        baseline: { name: baseline.name, value: base },
        better: "lower",
        ...(maxRatio
          ? { target: `< ${maxRatio}x baseline: ${value < maxRatio * base ? "met" : "MISSED"}` }
          : {}),
      };
    };
    return [
      {
        name: "Lambda bundle size (minified ESM + chunks, AWS SDK included)",
        unit: "KiB",
        value: real.bytes / 1024,
        baseline: { name: "bare Hono bundle", value: bare.bytes / 1024 },
        better: "lower",
        target: `< ${BUDGET_BYTES / 1024} KiB (1.5 MB): ${real.bytes < BUDGET_BYTES ? "met" : "MISSED"}`,
      },
      row("Lambda import + first GET /healthz, fresh node, CPU time", (p) => p.cpuMs, 2),
      row("Lambda import + first GET /healthz, fresh node, wall time", (p) => p.wallMs, 2),
      row("Lambda process spawn → answer, wall time", (p) => p.processMs),
      row("Lambda import + first GET /healthz, fresh node, CPU time", (p) => p.cpuMs, 2, {
        name: "bare Hono + DynamoDB document client",
        runs: storeRuns,
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
