/**
 * The store's routes on the embedded default (`startLocal`: persisted dynalite, the real app over
 * HTTP) against a bare Hono server doing the same DynamoDB calls through the same client, on the
 * same dynalite, in the same run:
 *   GET  /v1/projects/{project}          GetItem (key by hash) + GetItem (project)
 *   POST /v1/projects/{project}/configs  GetItem (key) + GetItem (project) + Query (latest version)
 *                                        + PutItem (version) + UpdateItem (project's latestVersion)
 * The app additionally parses and validates the YAML config; the baseline does not.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { hashApiKey } from "../../api/auth/secrets.js";
import { startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";
import { keys } from "../../api/store/keys.js";
import type { Table } from "../../api/store/table.js";
import type { BenchRow, Throughput } from "./lib.js";

/**
 * Alternates one call of `a` with one call of `b`, so machine noise (other processes on the two
 * cores, GC, LevelDB compaction) lands on both alike; sequential calls, so req/s = 1 / mean latency.
 */
async function alternate(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  iterations: number,
  warmup: number,
): Promise<[Throughput, Throughput]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const times = [new Float64Array(iterations), new Float64Array(iterations)] as const;
  for (let i = 0; i < iterations; i++) {
    for (const [k, fn] of [a, b].entries()) {
      const t0 = performance.now();
      await fn();
      times[k]![i] = performance.now() - t0;
    }
  }
  const summary = (t: Float64Array): Throughput => {
    t.sort();
    const total = t.reduce((s, x) => s + x, 0);
    return {
      opsPerSec: (t.length / total) * 1000,
      p50Ms: t[Math.floor(t.length * 0.5)] ?? 0,
      p99Ms: t[Math.min(t.length - 1, Math.floor(t.length * 0.99))] ?? 0,
      samples: t.length,
    };
  };
  return [summary(times[0]), summary(times[1])];
}

const ADMIN_KEY = "sy_bench-admin-key-000000000000000000000000000";

function bareServer(table: Table) {
  const { doc, name: TableName } = table;
  const authenticate = async (header: string | undefined) => {
    const secret = header?.slice("Bearer ".length) ?? "";
    return doc.send(
      new GetCommand({ TableName, Key: keys.apiKeyAuth(hashApiKey(secret)), ConsistentRead: true }),
    );
  };
  let version = 1_000_000;
  const app = new Hono()
    .get("/v1/projects/:project", async (c) => {
      await authenticate(c.req.header("authorization"));
      const out = await doc.send(
        new GetCommand({ TableName, Key: keys.project(c.req.param("project")), ConsistentRead: true }),
      );
      return c.json(out.Item ?? {});
    })
    .post("/v1/projects/:project/configs", async (c) => {
      const project = c.req.param("project");
      const text = await c.req.text();
      await authenticate(c.req.header("authorization"));
      await doc.send(new GetCommand({ TableName, Key: keys.project(project), ConsistentRead: true }));
      await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
          ExpressionAttributeValues: { ":pk": keys.projectPartition(project), ":p": keys.configPrefix },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      version++;
      const item = { ...keys.config(project, version), source: text, configJson: JSON.stringify({ text }) };
      await doc.send(
        new PutCommand({ TableName, Item: item, ConditionExpression: "attribute_not_exists(PK)" }),
      );
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.project(project),
          UpdateExpression: "SET latestVersion = :v",
          ExpressionAttributeValues: { ":v": version },
        }),
      );
      return c.json({ version }, 201);
    });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  return {
    url: async () => {
      if (!server.listening) await new Promise((r) => server.once("listening", r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export default async function (): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "switchyard-bench-"));
  const local = await startLocal({
    port: 0,
    dataDir,
    adminKey: ADMIN_KEY,
    log: silentLogger,
    print: () => {},
  });
  const bare = bareServer(local.deps.table);
  try {
    const post = (p: string, body: unknown) =>
      fetch(`${local.url}${p}`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    await post("/v1/teams", { name: "bench" });
    await post("/v1/projects", { name: "bench-app", team: "bench" });
    await post("/v1/projects", { name: "bench-bare", team: "bench" });
    // A team key stored in DynamoDB (the usual caller; the environment's admin key skips the lookup).
    const { secret } = (await (
      await post("/v1/teams/bench/api-keys", { name: "bench", role: "maintainer" })
    ).json()) as {
      secret: string;
    };
    const auth = { authorization: `Bearer ${secret}` };
    const bareUrl = await bare.url();

    const get = (url: string, project: string) => async () => {
      const res = await fetch(`${url}/v1/projects/${project}`, { headers: auth });
      if (res.status !== 200) throw new Error(`GET answered ${res.status}`);
      await res.arrayBuffer();
    };
    let n = 0;
    const postConfig = (url: string, project: string) => async () => {
      const res = await fetch(`${url}/v1/projects/${project}/configs`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/yaml" },
        body: `resources:\n  bus${n++}:\n    type: event-bus\n`,
      });
      if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };

    const [appGet, bareGet] = await alternate(
      get(local.url, "bench-app"),
      get(bareUrl, "bench-bare"),
      1500,
      200,
    );
    const [appPost, barePost] = await alternate(
      postConfig(local.url, "bench-app"),
      postConfig(bareUrl, "bench-bare"),
      500,
      50,
    );

    const target = "≥ 0.70x";
    return [
      {
        name: "GET /v1/projects/{project} (embedded default, HTTP)",
        unit: "req/s",
        value: appGet.opsPerSec,
        baseline: { name: "bare Hono, same DynamoDB calls", value: bareGet.opsPerSec },
        better: "higher",
        target,
      },
      {
        name: "GET /v1/projects/{project} p99",
        unit: "ms",
        value: appGet.p99Ms,
        baseline: { name: "bare Hono, same DynamoDB calls", value: bareGet.p99Ms },
        better: "lower",
      },
      {
        name: "POST /v1/projects/{project}/configs (YAML, validated)",
        unit: "req/s",
        value: appPost.opsPerSec,
        baseline: { name: "bare Hono, same DynamoDB calls", value: barePost.opsPerSec },
        better: "higher",
        target,
      },
      {
        name: "POST /v1/projects/{project}/configs p99",
        unit: "ms",
        value: appPost.p99Ms,
        baseline: { name: "bare Hono, same DynamoDB calls", value: barePost.p99Ms },
        better: "lower",
      },
    ];
  } finally {
    await bare.close();
    await local.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
