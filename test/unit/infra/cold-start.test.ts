/**
 * What a cold start loads: the entry chunk and the chunks it imports statically. The compiler (with
 * the config language and YAML) and the CloudFormation, EventBridge and Secrets Manager SDKs sit in
 * chunks loaded by the requests that need them, so every other request's cold start skips them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAMBDA_FILE, lambdaBuildOptions } from "../../../infra/lambda-bundle.js";

let dir: string;
let eager: Set<string>;
let all: Set<string>;

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
  const meta = result.metafile!;
  const entry = Object.keys(meta.outputs).find((o) => o.endsWith(`/${LAMBDA_FILE}`))!;
  const loaded = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const out = queue.pop()!;
    if (loaded.has(out)) continue;
    loaded.add(out);
    for (const i of meta.outputs[out]!.imports)
      if (i.kind === "import-statement" && !i.external) queue.push(i.path);
  }
  eager = sourcesOf(meta, loaded);
  all = sourcesOf(meta, Object.keys(meta.outputs));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LAZY = [
  "yaml/",
  "@aws-sdk/client-cloudformation/",
  "@aws-sdk/client-eventbridge/",
  "@aws-sdk/client-secrets-manager/",
  "api/compiler/",
  "api/config/",
  "api/aws/",
  "api/local/",
];

describe("the Lambda's cold start", () => {
  it("loads the app, its routes and the store's DynamoDB client", () => {
    for (const needed of ["api/app.ts", "api/routes/index.ts", "@aws-sdk/lib-dynamodb/", "hono/"]) {
      expect(
        [...eager].some((s) => s.startsWith(needed)),
        needed,
      ).toBe(true);
    }
  });

  it("leaves the compiler, YAML, the pattern matcher and the CloudFormation, EventBridge and Secrets Manager SDKs to first use", () => {
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
