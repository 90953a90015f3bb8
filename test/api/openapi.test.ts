/**
 * The OpenAPI document is the contract the generated client and the portal build on. The rules in
 * openapi-rules.ts hold for every operation any route module registers, so a new route that skips
 * one fails here, with the operation named; a deliberately broken document shows each rule bites.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument, type OpenApiDocument } from "../../api/entry/openapi-document.js";
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
    expect(rules.componentNames(BROKEN)).toEqual(["components.schemas.team_page is not PascalCase"]);
    expect(rules.examples(BROKEN)).toEqual([
      "#/paths/~1v1~1teams/get/responses/200/content/application~1json/examples/wrong: example {\"teams\":[]} is invalid: data must have required property 'items'",
      '#/components/schemas/TeamName: example "Payments Team" is invalid: data must match pattern "^[a-z-]+$"',
    ]);
  });
});

describe("the /docs reference page", () => {
  it("renders the document: the page carries every tag, operation summary and the document link", async () => {
    const res = await server.fetch("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('href="/openapi.json"');
    // The page hands its document to the renderer inline; read it back the way the browser would.
    const embedded = html.match(/createApiReference\(\s*'#app',\s*(\{[\s\S]*\})\s*\)\s*<\/script>/);
    expect(embedded, "the page initialises the reference renderer with a configuration").not.toBeNull();
    const config = JSON.parse(embedded![1]!);
    expect(config.content).toEqual(doc);
    expect(doc.tags.length).toBeGreaterThan(0);
    for (const tag of doc.tags as { name: string; description: string }[]) {
      expect(html).toContain(JSON.stringify(tag.name));
      expect(html).toContain(JSON.stringify(tag.description));
    }
    for (const { op } of operations) expect(html).toContain(JSON.stringify(op.summary));
  });
});
