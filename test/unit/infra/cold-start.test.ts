/**
 * What a cold start loads: the entry chunk and the chunks it imports statically. That is the app,
 * Hono and the route manifest; each route group (with zod and its schemas), the deps (the DynamoDB
 * client), the compiler (with the config language and YAML) and the CloudFormation, EventBridge,
 * Secrets Manager and S3 SDKs sit in chunks loaded by the first request that needs them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAMBDA_FILE, lambdaBuildOptions } from "../../../infra/lambda-bundle.js";

let dir: string;
let meta: Metafile;
let eager: Set<string>;
let all: Set<string>;

/** The output chunks loading `from` loads with it: those it imports statically, transitively. */
function staticClosure(from: string): Set<string> {
  const loaded = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const out = queue.pop()!;
    if (loaded.has(out)) continue;
    loaded.add(out);
    for (const i of meta.outputs[out]!.imports)
      if (i.kind === "import-statement" && !i.external) queue.push(i.path);
  }
  return loaded;
}

/** Source files (repo-relative, node_modules as `<package>/...`) in the given outputs. */
function sourcesOf(meta: Metafile, outputs: Iterable<string>): Set<string> {
  const sources = new Set<string>();
  for (const out of outputs) {
    for (const input of Object.keys(meta.outputs[out]!.inputs)) {
      sources.add(input.split("node_modules/").at(-1)!);
    }
  }
  return sources;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "switchyard-cold-start-"));
  const result = await build({ ...lambdaBuildOptions(dir), logLevel: "silent" });
  meta = result.metafile!;
  const entry = Object.keys(meta.outputs).find((o) => o.endsWith(`/${LAMBDA_FILE}`))!;
  eager = sourcesOf(meta, staticClosure(entry));
  all = sourcesOf(meta, Object.keys(meta.outputs));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LAZY = [
  // Route groups and what only they need: loaded by the first request of a group (api/routes/mount.ts).
  "zod/",
  "@hono/zod-openapi/",
  "@asteasolutions/zod-to-openapi/",
  "api/routes/projects.ts",
  "api/routes/buses.ts",
  // The portal's file server: loaded by the first request for / or /assets/.
  "api/http/portal.ts",
  // The deps: built by the first /v1 request (api/entry/lambda-deps.ts).
  "@aws-sdk/client-dynamodb/",
  "@aws-sdk/lib-dynamodb/",
  "api/store/",
  "yaml/",
  "@aws-sdk/client-cloudformation/",
  "@aws-sdk/client-eventbridge/",
  "@aws-sdk/client-secrets-manager/",
  "@aws-sdk/client-s3/",
  "@aws-sdk/client-sqs/",
  "@aws-sdk/client-cloudwatch/",
  "@aws-sdk/client-cloudwatch-logs/",
  "api/compiler/",
  "api/config/",
  "api/resources/",
  "api/aws/",
  "api/eventbridge/",
];

describe("the Lambda's cold start", () => {
  it("loads the app, Hono and the route manifest only", () => {
    for (const needed of ["api/app.ts", "api/routes/manifest.json", "api/routes/mount.ts", "hono/"]) {
      expect(
        [...eager].some((s) => s.startsWith(needed)),
        needed,
      ).toBe(true);
    }
  });

  it("leaves the route groups, zod, the store, the compiler, YAML, the pattern matcher and every AWS SDK to first use", () => {
    for (const lazy of LAZY) {
      expect(
        [...all].some((s) => s.startsWith(lazy)),
        `${lazy} is in the bundle`,
      ).toBe(true);
      expect(
        [...eager].filter((s) => s.startsWith(lazy)),
        `${lazy} is not loaded at cold start`,
      ).toEqual([]);
    }
  });
});

describe("the Lambda bundle", () => {
  it("holds nothing of the local engine: only npm start's composition root imports it", () => {
    expect([...all].filter((s) => s.startsWith("api/local/"))).toEqual([]);
  });
});

describe("a route group's first request", () => {
  it("loads that group's module, not the other groups' nor the compiler", () => {
    const group = Object.keys(meta.outputs).filter((o) =>
      Object.keys(meta.outputs[o]!.inputs).includes("api/routes/projects.ts"),
    );
    expect(group).toHaveLength(1);
    const loaded = [...sourcesOf(meta, staticClosure(group[0]!))];
    expect(loaded).toContain("api/routes/projects.ts");
    for (const other of ["api/routes/buses.ts", "api/routes/stages.ts", "api/routes/deployments.ts"]) {
      expect(loaded, other).not.toContain(other);
    }
    expect(loaded.filter((s) => s.startsWith("api/compiler/") || s.startsWith("yaml/"))).toEqual([]);
  });
});

describe("the CloudFormation adapter's first use", () => {
  it("does not load the S3 SDK: only a template too large to send inline does", () => {
    const adapter = Object.keys(meta.outputs).filter((o) =>
      Object.keys(meta.outputs[o]!.inputs).includes("api/aws/cloudformation.ts"),
    );
    expect(adapter).toHaveLength(1);
    const withAdapter = sourcesOf(meta, staticClosure(adapter[0]!));
    expect([...withAdapter].some((s) => s.startsWith("@aws-sdk/client-cloudformation/"))).toBe(true);
    expect([...withAdapter].filter((s) => s.startsWith("@aws-sdk/client-s3/"))).toEqual([]);
    expect([...all].some((s) => s.startsWith("api/aws/s3-template-store.ts"))).toBe(true);
  });
});

describe("the EventBridge adapter's first use", () => {
  it("does not load CloudWatch Logs: only a preview's first read of a bus's event sample does", () => {
    const adapter = Object.keys(meta.outputs).filter((o) =>
      Object.keys(meta.outputs[o]!.inputs).includes("api/aws/eventbridge.ts"),
    );
    expect(adapter).toHaveLength(1);
    const withAdapter = sourcesOf(meta, staticClosure(adapter[0]!));
    expect([...withAdapter].some((s) => s.startsWith("@aws-sdk/client-eventbridge/"))).toBe(true);
    expect([...withAdapter].filter((s) => s.startsWith("@aws-sdk/client-cloudwatch-logs/"))).toEqual([]);
    expect([...all].some((s) => s.startsWith("api/aws/event-sample.ts"))).toBe(true);
  });
});
