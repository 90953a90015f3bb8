/**
 * The Lambda bundle: its size, and the time a fresh Node process takes to import it and answer one
 * synthetic API Gateway v2 request through the exported handler, in the same run as its baseline:
 * - `GET /healthz` next to a bare Hono handler bundled with the same esbuild options (the issue's
 *   budget: under 2x);
 * - an authenticated `GET /v1/projects` (the API key by its hash, then the team's projects) against
 *   a dynalite this benchmark starts, next to bare Hono + the DynamoDB document client making the
 *   same two calls; and, for the full picture, next to the bare Hono `/healthz`.
 * Medians over alternating runs; CPU time of the fresh process (the wall time of the store request
 * includes dynalite, which runs here).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createDynamoClients, localDynamoConfig } from "../../api/store/client.js";
import { startDynalite } from "../../api/store/dynalite.js";
import { ensureTable } from "../../api/store/table.js";
import { bundleLambda, type LambdaBundle } from "../../infra/lambda-bundle.js";
import { apiGatewayEvent } from "../support/api-gateway-event.js";
import { seedTeamProjectKey } from "../support/seed-store.js";
import type { BenchRow } from "./lib.js";

const RUNS = 9;
const BUDGET_BYTES = 1.5 * 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

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

interface Request {
  event: ReturnType<typeof apiGatewayEvent>;
  /** The answer must contain this, or the run is not a measurement of a working request. */
  expect: string;
}

interface Probe {
  /** Import + first answer, wall clock, inside the fresh process. */
  wallMs: number;
  /** The same span in CPU time: what a cold start costs, and steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Spawn to exit, Node's own start-up included. */
  processMs: number;
}

/**
 * One fresh process, as the Lambda runtime would start it (source maps on, as deployed). Async, so
 * the dynalite in this process keeps answering while the child runs.
 */
async function probe(bundle: LambdaBundle, request: Request, env: Record<string, string>): Promise<Probe> {
  const started = performance.now();
  const out = await run(
    process.execPath,
    ["--enable-source-maps", "--input-type=module", "-e", PROBE, bundle.file, JSON.stringify(request.event)],
    // Only what the function needs; credentials that only dynalite accepts, so nothing reaches AWS.
    { encoding: "utf8", env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env } },
  ).catch((err: Error & { stderr?: string }) => {
    throw new Error(`probe of ${bundle.file} failed: ${err.stderr ?? err.message}`);
  });
  const processMs = performance.now() - started;
  const result = JSON.parse(out.stdout) as { wallMs: number; cpuMs: number; status: number; body: string };
  if (result.status !== 200 || !result.body.includes(request.expect)) {
    throw new Error(`probe of ${bundle.file} answered ${result.status}: ${result.body}`);
  }
  return { wallMs: result.wallMs, cpuMs: result.cpuMs, processMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** A table in a fresh dynalite with one team, one project and a viewer key for it. */
async function seededStore() {
  const dynamo = await startDynalite();
  const { client, doc } = createDynamoClients(localDynamoConfig(dynamo.endpoint));
  const table = { doc, name: "switchyard-bench" };
  await ensureTable(client, table.name);
  const { viewerKey } = await seedTeamProjectKey(table, { team: "bench", project: "bench-orders" });
  return {
    env: {
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      SWITCHYARD_TABLE_NAME: table.name,
    },
    secret: viewerKey,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
}

export default async function (): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-lambda-bench-"));
  const store = await seededStore();
  try {
    const real = await bundleLambda(path.join(dir, "real"));
    const bare = await bundleLambda(path.join(dir, "bare"), path.join(here, "lambda-baseline.ts"));
    const storeBaseline = await bundleLambda(
      path.join(dir, "store"),
      path.join(here, "lambda-baseline-store-read.ts"),
    );
    const healthz: Request = { event: apiGatewayEvent("GET", "/healthz"), expect: '"ok"' };
    const projects: Request = {
      event: apiGatewayEvent("GET", "/v1/projects", { headers: { authorization: `Bearer ${store.secret}` } }),
      expect: '"bench-orders"',
    };
    const runs = {
      bareHealthz: [] as Probe[],
      realHealthz: [] as Probe[],
      baselineProjects: [] as Probe[],
      realProjects: [] as Probe[],
    };
    const plan: [Probe[], LambdaBundle, Request][] = [
      [runs.bareHealthz, bare, healthz],
      [runs.realHealthz, real, healthz],
      [runs.baselineProjects, storeBaseline, projects],
      [runs.realProjects, real, projects],
    ];
    for (const [, bundle, request] of plan) await probe(bundle, request, store.env); // warm the OS caches
    for (let i = 0; i < RUNS; i++) {
      for (const [into, bundle, request] of plan) into.push(await probe(bundle, request, store.env));
    }
    const row = (
      name: string,
      measured: Probe[],
      baseline: { name: string; runs: Probe[] },
      pick: (p: Probe) => number,
      maxRatio?: number,
    ): BenchRow => {
      const value = median(measured.map(pick));
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
    const bareHono = { name: "bare Hono /healthz, same esbuild options", runs: runs.bareHealthz };
    const cpu = (p: Probe) => p.cpuMs;
    return [
      {
        name: "Lambda bundle size (minified ESM + chunks, AWS SDK included)",
        unit: "KiB",
        value: real.bytes / 1024,
        baseline: { name: "bare Hono bundle", value: bare.bytes / 1024 },
        better: "lower",
        target: `< ${BUDGET_BYTES / 1024} KiB (1.5 MB): ${real.bytes < BUDGET_BYTES ? "met" : "MISSED"}`,
      },
      row("Lambda import + first GET /healthz, fresh node, CPU time", runs.realHealthz, bareHono, cpu, 2),
      row(
        "Lambda import + first GET /healthz, fresh node, wall time",
        runs.realHealthz,
        bareHono,
        (p) => p.wallMs,
        2,
      ),
      row(
        "Lambda process spawn → /healthz answer, wall time",
        runs.realHealthz,
        bareHono,
        (p) => p.processMs,
      ),
      row(
        "Lambda import + first authenticated GET /v1/projects (2 DynamoDB calls), CPU time",
        runs.realProjects,
        { name: "bare Hono + DynamoDB document client, same 2 calls", runs: runs.baselineProjects },
        cpu,
      ),
      row(
        "Lambda import + first authenticated GET /v1/projects (2 DynamoDB calls), CPU time",
        runs.realProjects,
        bareHono,
        cpu,
      ),
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
