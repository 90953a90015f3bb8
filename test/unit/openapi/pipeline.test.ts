/**
 * The pipeline behind `npm run openapi` / `npm run openapi:check`: a stable byte form of the
 * document, a deterministic client, and a check that names every file that drifted.
 */
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenApiDocument } from "../../../api/entry/openapi-document.js";
import { canonicalDocument, serializeDocument } from "../../../openapi/canonical.js";
import { type Artifacts, compareArtifacts, generateArtifacts } from "../../../openapi/pipeline.js";

const problem = { $ref: "#/components/schemas/Problem" };
const json = (schema: object) => ({ content: { "application/json": { schema } } });

/** A small document in the app's shape, keys deliberately in registration (not sorted) order. */
const DOC: OpenApiDocument = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  tags: [
    { name: "Teams", description: "teams" },
    { name: "Service", description: "service" },
  ],
  components: {
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
    schemas: {
      Team: { type: "object", properties: { name: { type: "string" }, createdAt: { type: "string" } } },
      Problem: { type: "object", properties: { type: { type: "string" }, status: { type: "integer" } } },
    },
  },
  paths: {
    "/v1/teams": {
      post: {
        operationId: "teams.create",
        tags: ["Teams"],
        summary: "Create a team",
        security: [{ bearerAuth: [] }],
        requestBody: { required: true, ...json({ $ref: "#/components/schemas/Team" }) },
        responses: {
          "500": { description: "e", content: { "application/problem+json": { schema: problem } } },
          "201": { description: "ok", ...json({ $ref: "#/components/schemas/Team" }) },
        },
      },
      get: {
        operationId: "teams.list",
        tags: ["Teams"],
        summary: "List teams",
        security: [{ bearerAuth: [] }],
        responses: { "200": { description: "ok", ...json({ type: "array", items: { type: "string" } }) } },
      },
    },
    "/healthz": {
      get: {
        operationId: "health.get",
        tags: ["Service"],
        summary: "Liveness",
        responses: { "200": { description: "ok", ...json({ type: "object" }) } },
      },
    },
  },
};

describe("the document's byte form", () => {
  it("sorts registration-ordered maps and keeps authored order", () => {
    const doc: any = canonicalDocument(DOC);
    expect(Object.keys(doc.paths)).toEqual(["/healthz", "/v1/teams"]);
    expect(Object.keys(doc.paths["/v1/teams"])).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/v1/teams"].post.responses)).toEqual(["201", "500"]);
    expect(Object.keys(doc.components)).toEqual(["schemas", "securitySchemes"]);
    expect(Object.keys(doc.components.schemas)).toEqual(["Problem", "Team"]);
    // Authored order stays: schema properties, tags, top-level keys.
    expect(Object.keys(doc.components.schemas.Team.properties)).toEqual(["name", "createdAt"]);
    expect(doc.tags.map((t: any) => t.name)).toEqual(["Teams", "Service"]);
    expect(Object.keys(doc)).toEqual(Object.keys(DOC));
  });

  it("does not depend on the order routes were registered in", () => {
    const reordered = { ...DOC, paths: Object.fromEntries(Object.entries(DOC.paths).reverse()) };
    expect(serializeDocument(reordered)).toBe(serializeDocument(DOC));
    expect(serializeDocument(DOC).endsWith("}\n")).toBe(true);
  });
});

describe("generate and compare", () => {
  let dir: string;
  let first: Artifacts;
  const at = (name: string): Artifacts => ({
    documentFile: path.join(dir, name, "openapi.json"),
    clientDir: path.join(dir, name, "gen"),
    manifestFile: path.join(dir, name, "manifest.json"),
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "switchyard-openapi-test-"));
    first = at("first");
    await generateArtifacts(first, DOC);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("generates the same bytes twice, so a clean tree shows no diff", async () => {
    const second = at("second");
    await generateArtifacts(second, DOC);
    expect(await compareArtifacts(first, second)).toEqual([]);
  });

  it("names a stale document, a stale, a missing and an extra client file, and a stale manifest", async () => {
    const committed = at("committed");
    await cp(path.join(dir, "first"), path.join(dir, "committed"), { recursive: true });
    await writeFile(
      committed.documentFile,
      serializeDocument({ ...DOC, info: { title: "t", version: "2" } }),
    );
    await appendFile(path.join(committed.clientDir, "sdk.gen.ts"), "// edited by hand\n");
    await rm(path.join(committed.clientDir, "types.gen.ts"));
    await writeFile(path.join(committed.clientDir, "old.gen.ts"), "export {};\n");
    // A route added to a module without regenerating: the app would not mount it.
    const manifest = await readFile(committed.manifestFile, "utf8");
    await writeFile(committed.manifestFile, manifest.replace(/\n\]\n$/, ',\n  {"group":"teams"}\n]\n'));

    const drift = await compareArtifacts(first, committed);
    expect(drift).toHaveLength(5);
    expect(drift.find((d) => d.includes("manifest.json"))).toMatch(/is stale/);
    expect(drift.find((d) => d.includes("openapi.json"))).toMatch(
      /is stale \(first difference at line \d+: generated "\\"version\\": \\"1\\"", committed "\\"version\\": \\"2\\""\)/,
    );
    expect(drift.find((d) => d.includes("sdk.gen.ts"))).toMatch(/is stale .*committed "\/\/ edited by hand"/);
    expect(drift.find((d) => d.includes("types.gen.ts"))).toMatch(/is missing$/);
    expect(drift.find((d) => d.includes("old.gen.ts"))).toMatch(/is no longer generated$/);
  });

  it("generates a client with one nested method per operationId", async () => {
    const sdk = await readFile(path.join(first.clientDir, "sdk.gen.ts"), "utf8");
    expect(sdk).toContain("export class SwitchyardApi");
    expect(sdk).toMatch(/get teams\(\): Teams/);
    expect(sdk).toMatch(/public create<ThrowOnError extends boolean = true>/);
    expect(sdk).toContain("url: '/v1/teams'");
  });
});
