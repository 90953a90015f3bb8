/**
 * The OpenAPI document is the contract the generated client and the portal build on: these checks
 * hold for every operation any route module registers, so a new route that skips one fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument, type OpenApiDocument } from "../../api/entry/openapi-document.js";
import { PROBLEM_CONTENT_TYPE } from "../../api/http/problem.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/** Operations anyone may call: liveness, the document and its reference page. */
const OPEN_PATHS = new Set(["/healthz", "/openapi.json", "/docs"]);
const METHODS = ["get", "put", "post", "patch", "delete", "options", "head", "trace"];
const PROBLEM_REF = "#/components/schemas/Problem";

interface Operation {
  method: string;
  path: string;
  op: any;
}

let server: TestServer;
let doc: any;
let operations: Operation[];

beforeAll(async () => {
  server = await startTestServer();
  doc = await bodyOf(await server.fetch("/openapi.json"));
  operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((method) => ({ method, path, op: item[method] })),
  );
});
afterAll(() => server.close());

const label = (o: Operation) => `${o.method.toUpperCase()} ${o.path}`;

/** Collects `label: problem` for every operation that breaks a rule, so one run lists them all. */
function violations(check: (o: Operation) => string | undefined): string[] {
  return operations.flatMap((o) => {
    const problem = check(o);
    return problem ? [`${label(o)}: ${problem}`] : [];
  });
}

describe("the OpenAPI document", () => {
  it("is the one the inert build writes to openapi/openapi.json", async () => {
    const built: OpenApiDocument = await buildOpenApiDocument();
    expect(built).toEqual(doc);
  });

  it("has operations, each with a dotted, unique operationId", () => {
    expect(operations.length).toBeGreaterThan(0);
    expect(
      violations(({ op }) =>
        /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/.test(op.operationId ?? "")
          ? undefined
          : `operationId ${JSON.stringify(op.operationId)} is not "<resource>.<verb>"`,
      ),
    ).toEqual([]);
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("tags every operation with a declared, described tag and gives it a summary", () => {
    const declared = new Map<string, string>(
      (doc.tags ?? []).map((t: { name: string; description?: string }) => [t.name, t.description ?? ""]),
    );
    expect(
      violations(({ op }) => {
        if (!Array.isArray(op.tags) || op.tags.length === 0) return "no tags";
        const undeclared = op.tags.filter((t: string) => !declared.get(t));
        if (undeclared.length > 0) return `tags ${undeclared.join(", ")} are not in the document's tags list`;
        if (typeof op.summary !== "string" || op.summary.trim() === "") return "no summary";
        return undefined;
      }),
    ).toEqual([]);
  });

  it("requires the bearer API key on every operation but the open ones", () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(
      violations(({ path, op }) => {
        if (OPEN_PATHS.has(path)) {
          return op.security === undefined || op.security.length === 0
            ? undefined
            : "is open but has security";
        }
        const bearer =
          Array.isArray(op.security) &&
          op.security.length === 1 &&
          JSON.stringify(op.security[0]) === JSON.stringify({ bearerAuth: [] });
        if (!bearer) return `security is ${JSON.stringify(op.security)}, not [{"bearerAuth":[]}]`;
        if (!op.responses["401"]) return "needs a key but documents no 401";
        return undefined;
      }),
    ).toEqual([]);
  });

  it("documents every error answer as problem+json, a 500 on each, and a 400 wherever there is input", () => {
    expect(
      violations(({ op }) => {
        const errors = Object.entries(op.responses as Record<string, any>).filter(([s]) => Number(s) >= 400);
        for (const [status, response] of errors) {
          const types = Object.keys(response.content ?? {});
          if (types.length !== 1 || types[0] !== PROBLEM_CONTENT_TYPE) {
            return `${status} is ${types.join(", ") || "bodiless"}, not ${PROBLEM_CONTENT_TYPE}`;
          }
          if (response.content[PROBLEM_CONTENT_TYPE].schema?.$ref !== PROBLEM_REF) {
            return `${status} does not use the Problem schema`;
          }
        }
        if (!op.responses["500"]) return "no 500";
        const hasInput = (op.parameters ?? []).length > 0 || op.requestBody !== undefined;
        if (hasInput && !op.responses["400"]) return "takes input but documents no 400";
        return undefined;
      }),
    ).toEqual([]);
    expect(doc.components.schemas.Problem.properties).toMatchObject({
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      errors: { type: "array" },
    });
  });

  it("describes request bodies, parameters and success responses with schemas", () => {
    const hasSchema = (s: any) =>
      s !== undefined &&
      (typeof s.$ref === "string" || s.type !== undefined || s.anyOf || s.oneOf || s.allOf);
    expect(
      violations(({ path, op }) => {
        const successes = Object.entries(op.responses as Record<string, any>).filter(([s]) =>
          /^2\d\d$/.test(s),
        );
        if (successes.length === 0) return "no 2xx response";
        for (const [status, response] of successes) {
          if (status === "204") {
            if (response.content) return "204 with a body";
            continue;
          }
          const contents = Object.entries(response.content ?? {}) as [string, any][];
          if (contents.length === 0) return `${status} has no content`;
          for (const [type, media] of contents) {
            if (!hasSchema(media.schema)) return `${status} ${type} has no schema`;
          }
        }
        if (op.requestBody) {
          const contents = Object.entries(op.requestBody.content ?? {}) as [string, any][];
          if (contents.length === 0) return "request body without content";
          for (const [type, media] of contents) {
            if (!hasSchema(media.schema)) return `request body ${type} has no schema`;
          }
        }
        const declared = new Set(
          (op.parameters ?? []).filter((p: any) => p.in === "path").map((p: any) => p.name as string),
        );
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
          if (!declared.has(name as string)) return `path parameter {${name}} is not declared`;
        }
        for (const p of op.parameters ?? []) {
          if (!hasSchema(p.schema)) return `parameter ${p.name} has no schema`;
        }
        return undefined;
      }),
    ).toEqual([]);
  });

  it("names its component schemas in PascalCase", () => {
    const names = Object.keys(doc.components.schemas);
    expect(names.filter((n) => !/^[A-Z][A-Za-z0-9]*$/.test(n))).toEqual([]);
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
