/**
 * The OpenAPI document is the contract the generated client and the portal build on. The rules in
 * openapi-rules.ts hold for every operation any route module registers, so a new route that skips
 * one fails here, with the operation named; a deliberately broken document shows each rule bites.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument, type OpenApiDocument } from "../../api/entry/openapi-document.js";
import { rendererPackageFile } from "../../api/http/reference-renderer.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { type Operation, operationsOf, rules } from "./openapi-rules.js";

let server: TestServer;
let doc: any;
let operations: Operation[];

beforeAll(async () => {
  server = await startTestServer();
  doc = await bodyOf(await server.fetch("/openapi.json"));
  operations = operationsOf(doc);
});
afterAll(() => server.close());

describe("the OpenAPI document the app serves", () => {
  it("is the one the inert build produces (what `npm run openapi` writes)", async () => {
    const built: OpenApiDocument = await buildOpenApiDocument();
    expect(built).toEqual(doc);
    expect(operations.length).toBeGreaterThan(1);
  });

  it.each(Object.keys(rules) as (keyof typeof rules)[])("follows the %s rule", (rule) => {
    expect(rules[rule](doc)).toEqual([]);
  });
});

const problem = {
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};
const ok = { description: "ok", content: { "application/json": { schema: { type: "object" } } } };

/** A document with exactly one violation of each rule (and otherwise well-formed operations). */
const BROKEN = {
  openapi: "3.1.0",
  tags: [{ name: "Teams", description: "Teams." }, { name: "Bare" }],
  components: {
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
    schemas: {
      Problem: { type: "object" },
      team_page: { type: "object" },
      TeamName: { type: "string", pattern: "^[a-z-]+$", example: "Payments Team" },
    },
  },
  paths: {
    "/healthz": {
      get: { operationId: "health.get", tags: ["Teams"], summary: "s", responses: { 200: ok, 500: problem } },
    },
    "/v1/teams": {
      get: {
        operationId: "listTeams",
        tags: ["Teams"],
        summary: "s",
        security: [{ bearerAuth: [] }],
        responses: {
          200: {
            description: "ok",
            content: {
              "application/json": {
                schema: { type: "object", required: ["items"] },
                examples: { empty: { value: { items: [] } }, wrong: { value: { teams: [] } } },
              },
            },
          },
          401: problem,
          500: problem,
        },
      },
      post: {
        operationId: "teams.create",
        tags: ["Bare"],
        summary: "s",
        security: [],
        parameters: [{ name: "idempotency-key", in: "header", schema: { type: "string" } }],
        requestBody: { content: { "application/json": { schema: {} } } },
        responses: {
          201: ok,
          400: problem,
          401: problem,
          500: { description: "e", content: { "text/plain": {} } },
        },
      },
    },
    "/v1/teams/{team}": {
      get: {
        operationId: "teams.get",
        tags: ["Teams"],
        summary: "s",
        security: [{ bearerAuth: [] }],
        responses: { 200: ok, 401: problem, 500: problem },
      },
    },
  },
};

describe("the rules", () => {
  it("each report the operation that breaks them", () => {
    expect(rules.operationIds(BROKEN)).toEqual([
      'GET /v1/teams: operationId "listTeams" is not "<resource>.<verb>"',
    ]);
    expect(rules.tagsAndSummaries(BROKEN)).toEqual([
      "POST /v1/teams: tags Bare are not declared with a description",
    ]);
    expect(rules.security(BROKEN)).toEqual(['POST /v1/teams: security is [], not [{"bearerAuth":[]}]']);
    expect(rules.problemResponses(BROKEN)).toEqual([
      "POST /v1/teams: 500 is text/plain, not application/problem+json",
    ]);
    expect(rules.schemas(BROKEN)).toEqual([
      "POST /v1/teams: request body application/json has no schema",
      "GET /v1/teams/{team}: path parameter {team} is not declared",
    ]);
    expect(rules.idempotency(BROKEN)).toEqual([
      "POST /v1/teams: takes Idempotency-Key but documents no 409, 422",
    ]);
    expect(rules.componentNames(BROKEN)).toEqual(["components.schemas.team_page is not PascalCase"]);
    expect(rules.examples(BROKEN)).toEqual([
      "#/paths/~1v1~1teams/get/responses/200/content/application~1json/examples/wrong: example {\"teams\":[]} is invalid: data must have required property 'items'",
      '#/components/schemas/TeamName: example "Payments Team" is invalid: data must match pattern "^[a-z-]+$"',
    ]);
  });
});

describe("the /docs reference page", () => {
  it("is served whole by Switchyard: same-origin scripts only, under a CSP that allows no other", async () => {
    const res = await server.fetch("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp.split("; ")).toEqual(expect.arrayContaining(["default-src 'none'", "script-src 'self'"]));
    expect(csp).not.toMatch(/https?:|unsafe-eval|\*/);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    for (const [, attributes, inline] of scripts) {
      expect(inline, "no inline script").toBe("");
      const src = /\bsrc="([^"]+)"/.exec(attributes!)?.[1] ?? "";
      expect(src, "a path on this origin").toMatch(/^\/[^/]/);
      const script = await server.fetch(src);
      expect(script.status, src).toBe(200);
      expect(script.headers.get("content-type")).toContain("text/javascript");
      expect((await script.text()).length).toBeGreaterThan(0);
    }
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('href="/openapi.json"');
  });

  it("serves the renderer of the @scalar/api-reference package, gzipped when the browser takes it", async () => {
    const packaged = await readFile(rendererPackageFile());
    const plain = await server.fetch("/docs/scalar.js", { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(packaged)).toBe(true);
    // fetch decodes gzip itself; the header says it was sent compressed.
    const gzipped = await server.fetch("/docs/scalar.js", { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(Buffer.from(await gzipped.arrayBuffer()).equals(packaged)).toBe(true);
  });

  it("starts the renderer on the document this server serves", async () => {
    const start = await (await server.fetch("/docs/start.js")).text();
    expect(start).toContain("Scalar.createApiReference(");
    const html = await (await server.fetch("/docs")).text();
    const documentPath = /data-document="([^"]+)"/.exec(html)?.[1];
    expect(documentPath).toBe("/openapi.json");
    expect(await bodyOf(await server.fetch(documentPath!))).toEqual(doc);
  });
});
