/**
 * The OpenAPI document and the server agree, operation by operation, checked with requests generated
 * from the document itself (seeded fast-check properties over every operation it lists, so a route
 * added later is covered without being named here):
 * - a request valid per the document is never refused for its shape (no 400 `validation-error` or
 *   `malformed-json`, no 415): it may only meet the domain (404, 409, 412, 422, the documented 400s);
 * - a request the document calls invalid (one parameter, or the body, broken in one way) is refused
 *   with 400 (404 for a path that names no team or project: the access check looks them up first);
 * - no 5xx, ever; every status is one the operation documents, every body matches its documented
 *   schema, and every error is problem+json with a stable type (one title per type);
 * - a caller the route's access rule refuses gets one answer whatever else it sends.
 * Bounded: a few dozen requests per operation (SWITCHYARD_PROPERTY_RUNS scales them), seed fixed
 * (SWITCHYARD_PROPERTY_SEED replays another). The generator is test/support/json-schema-arbitrary.ts.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDENTIFIER } from "../../api/identifier.js";
import { checkGlobalAlarms, type GlobalAlarm } from "../../api/resources/concerns/alarms/global.js";
import { createKey, jsonRequest } from "../support/auth.js";
import { codePoints, type Schema, SchemaArbitraries } from "../support/json-schema-arbitrary.js";
import { deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { type Operation, operationsOf } from "./openapi-rules.js";

const SEED = Number(process.env.SWITCHYARD_PROPERTY_SEED ?? 20_231);
const RUNS = Number(process.env.SWITCHYARD_PROPERTY_RUNS ?? 5);
const PROBLEM_TYPE = /^https:\/\/switchyard\.dev\/problems\/[a-z]+(-[a-z]+)*$/;
const PROBLEM = "application/problem+json";

/**
 * 400s a request valid per the document may still get, each for a reason JSON Schema cannot state
 * (and the operation's description does): an event pattern EventBridge refuses, a cursor of another
 * list (cursors are opaque).
 */
const DOMAIN_400: Record<string, (request: Request) => string[]> = {
  "patterns.test": () => ["invalid-event-pattern", "invalid-event"],
  // A window that ends before it starts or starts in the future (the fixture's archive keeps all).
  "replays.create": ({ body }) => {
    const window = body?.value as { from: string; to: string } | undefined;
    if (!window) return [];
    const [from, to] = [Date.parse(window.from), Date.parse(window.to)];
    return from >= to || from > Date.now() ? ["validation-error"] : [];
  },
  // What a list of global alarms must be besides its shape: names unique (ignoring case and hyphens),
  // breached periods within the evaluated ones, at most a day evaluated, no signed webhook.
  // Secrets it names must be ones the team's stacks may resolve (the document's pattern cannot say
  // the team's namespace), so a list naming any may be refused.
  "teams.putGlobalAlarms": ({ body }) => {
    let problems = 0;
    const alarms = (body?.value as { alarms?: GlobalAlarm[] } | undefined)?.alarms ?? [];
    checkGlobalAlarms(alarms, () => problems++);
    if (JSON.stringify(alarms).includes("$Secret(") || JSON.stringify(alarms).includes(":secretsmanager:"))
      problems++;
    return problems > 0 ? ["validation-error"] : [];
  },
  // A metrics window that ends before it starts, or spans more than 15 days (defaults: the last hour).
  "buses.metrics": ({ query }) => windowRefusal(query),
  "buses.deliveryCounts": ({ query }) => windowRefusal(query),
};
function windowRefusal(query: Request["query"]): string[] {
  const to = query.to === undefined ? Date.now() : Date.parse(String(query.to));
  const from = query.from === undefined ? to - 3_600_000 : Date.parse(String(query.from));
  return to <= from || to - from > 15 * 86_400_000 ? ["validation-error"] : [];
}
const cursorRefusal = (request: Request) => (request.query.cursor !== undefined ? ["bad-request"] : []);
/** A stage's first deployment or preview names it for good: a new stage takes an identifier. */
const newStageRefusal = (request: Request) => {
  const stage = request.path.stage;
  return typeof stage === "string" && stage !== fixture.params.stage && !IDENTIFIER.test(stage)
    ? ["validation-error"]
    : [];
};

let server: TestServer;
let doc: any;
let schemas: SchemaArbitraries;
let fixture: {
  params: Record<string, string>;
  teamAdmin: string;
  viewer: string;
  otherAdmin: string;
};
const titles = new Map<string, string>();
const COMMITTED = JSON.parse(readFileSync(new URL("../../openapi/openapi.json", import.meta.url), "utf8"));

beforeAll(async () => {
  server = await startTestServer();
  doc = await bodyOf(await server.fetch("/openapi.json"));
  schemas = new SchemaArbitraries(doc);
  const a = await deployToStage(
    server,
    "resources:\n  orders:\n    type: event-bus\n    properties:\n      archivation:\n        enabled: true\n",
  );
  const [teamAdmin, viewer] = await Promise.all([
    createKey(server, a.team, "admin"),
    createKey(server, a.team, "viewer"),
  ]);
  const spare = await bodyOf(
    await server.fetch(
      `/v1/teams/${a.team}/api-keys`,
      jsonRequest(teamAdmin, "POST", { name: "spare", role: "viewer" }),
    ),
  );
  const now = Date.now();
  const replay = await server.fetch(
    `${a.stagePath}/buses/orders/replays`,
    jsonRequest(teamAdmin, "POST", {
      from: new Date(now - 60_000).toISOString(),
      to: new Date(now).toISOString(),
    }),
  );
  expect(replay.status, await replay.clone().text()).toBe(202);
  const other = await server.fetch("/v1/teams", jsonRequest(server.adminKey, "POST", { name: "other-team" }));
  expect(other.status).toBe(201);
  fixture = {
    teamAdmin,
    viewer,
    otherAdmin: await createKey(server, "other-team", "admin"),
    params: {
      team: a.team,
      project: a.project,
      stage: "dev",
      bus: "orders",
      id: a.deployment.id,
      version: "1",
      keyId: spare.keyId,
      name: (await bodyOf(replay)).name,
    },
  };
});
afterAll(() => server?.close());

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: Schema;
}

interface Request {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  /** undefined: no body. `value` is what `text` encodes (absent for broken JSON). */
  body?: { mediaType: string; text: string; value?: unknown };
  /** What was made invalid, if anything: "path.project", "body", ... */
  broken?: string;
}

const parametersOf = (op: any): Parameter[] => op.parameters ?? [];
const JSON_TYPE = "application/json";

/** The body's media types and their schemas: JSON, or text (a YAML config) of a string schema. */
function bodySchemas(op: any): [string, Schema][] {
  return Object.entries((op.requestBody?.content ?? {}) as Record<string, { schema: Schema }>).map(
    ([mediaType, { schema }]) => {
      const type = (schemas.resolve(schema) as Record<string, unknown>).type;
      if (mediaType !== JSON_TYPE && type !== "string") {
        throw new Error(`${op.operationId}: cannot encode ${mediaType} bodies (schema type ${String(type)})`);
      }
      return [mediaType, schema];
    },
  );
}

const encoded = (mediaType: string, value: unknown) => ({
  mediaType,
  value,
  text: mediaType === JSON_TYPE ? JSON.stringify(value) : String(value),
});

/** Values an HTTP request can carry in a path segment, a query or a header. */
function sendable(p: Parameter, value: unknown): boolean {
  const text = String(value);
  if (p.in === "header") return /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(text);
  try {
    encodeURIComponent(text);
  } catch {
    return false; // a lone surrogate
  }
  // An empty or dot segment is another path, not this parameter.
  return p.in !== "path" || !["", ".", ".."].includes(text);
}

/**
 * Whether a parameter's text on the wire is valid per its schema: everything arrives as text, so a
 * number schema reads it as a decimal number and any other as the string itself.
 */
function wireValid(p: Parameter, text: string): boolean {
  const type = (schemas.resolve(p.schema) as Record<string, unknown>).type;
  if (type === "integer" || type === "number") {
    return /^-?(0|[1-9]\d*)(\.\d+)?$/.test(text) && schemas.validates(p.schema, Number(text));
  }
  return schemas.validates(p.schema, text);
}

/**
 * Request parts valid per the document. Path parameters are mostly the fixture's real ones (always,
 * with `realPath`), so that requests get past the lookups to the route's own validation.
 */
function validRequest(op: Operation, realPath = false): fc.Arbitrary<Request> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  const optional: string[] = [];
  for (const p of parametersOf(op.op)) {
    const generated = schemas.valid(p.schema).filter((v) => sendable(p, v) && wireValid(p, String(v)));
    const real = fixture.params[p.name];
    parts[`${p.in}:${p.name}`] =
      p.in === "path" && real !== undefined
        ? realPath
          ? fc.constant(real)
          : fc.oneof({ arbitrary: fc.constant(real), weight: 5 }, { arbitrary: generated, weight: 1 })
        : generated;
    if (!p.required) optional.push(`${p.in}:${p.name}`);
  }
  const bodies = bodySchemas(op.op);
  if (bodies.length > 0) {
    parts.body = fc.oneof(
      ...bodies.map(([mediaType, schema]) => schemas.valid(schema).map((v) => encoded(mediaType, v))),
    );
    if (!op.op.requestBody.required) optional.push("body");
  }
  return fc
    .record(parts, { requiredKeys: Object.keys(parts).filter((k) => !optional.includes(k)) })
    .map((r) => {
      const request: Request = { path: {}, query: {}, headers: {} };
      for (const [key, value] of Object.entries(r)) {
        if (key === "body") request.body = value as Request["body"];
        else {
          const [where, name] = key.split(":") as ["path" | "query" | "header", string];
          request[where === "header" ? "headers" : where][name] = value;
        }
      }
      return request;
    });
}

/** A valid request with one part broken: a parameter, the body's schema, its JSON, or its presence. */
function invalidRequest(op: Operation): fc.Arbitrary<Request> | undefined {
  const ways: fc.Arbitrary<Request>[] = [];
  for (const p of parametersOf(op.op)) {
    const bad = schemas.invalid(p.schema);
    if (bad) {
      const wireInvalid = (v: unknown) =>
        (typeof v === "string" || typeof v === "number") &&
        sendable(p, String(v)) &&
        !wireValid(p, String(v));
      // A string parameter's wrong types (null, [], ...) are strings on the wire: some have no invalid text.
      if (!fc.sample(bad, { numRuns: 50, seed: SEED }).some(wireInvalid)) continue;
      const text = bad.filter(wireInvalid).map(String);
      ways.push(
        fc.tuple(validRequest(op, true), text).map(([request, value]) => {
          const where = p.in === "header" ? "headers" : p.in;
          return { ...request, [where]: { ...request[where], [p.name]: value }, broken: `${p.in}.${p.name}` };
        }),
      );
    }
  }
  const bodies = bodySchemas(op.op);
  for (const [mediaType, schema] of bodies) {
    const bad = schemas.invalid(schema);
    if (!bad) continue;
    // A text body is text whatever its value's type: only strings can break its schema.
    if (
      mediaType !== JSON_TYPE &&
      !fc.sample(bad, { numRuns: 50, seed: SEED }).some((v) => typeof v === "string")
    ) {
      continue;
    }
    const sendable = mediaType === JSON_TYPE ? bad : bad.filter((v) => typeof v === "string");
    ways.push(
      fc
        .tuple(validRequest(op, true), sendable)
        .map(([r, body]) => ({ ...r, body: encoded(mediaType, body), broken: `body (${mediaType})` })),
    );
  }
  if (bodies.some(([mediaType]) => mediaType === JSON_TYPE)) {
    ways.push(
      validRequest(op, true).map((r) => ({
        ...r,
        body: { mediaType: JSON_TYPE, text: '{"unterminated": ' },
        broken: "body.json",
      })),
    );
  }
  if (bodies.length > 0) {
    if (op.op.requestBody.required) {
      ways.push(validRequest(op, true).map(({ body: _, ...r }) => ({ ...r, broken: "body.missing" })));
    }
  }
  return ways.length > 0 ? fc.oneof(...ways) : undefined;
}

function urlOf(op: Operation, request: Request): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(String(request.path[name] ?? fixture.params[name] ?? name)),
  );
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) query.set(name, String(value));
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/** Another operation of the same method whose template also matches this path answers it instead. */
function routedElsewhere(op: Operation, url: string): boolean {
  const path = url.split("?")[0]!;
  return operationsOf(doc).some((other) => {
    if (other.method !== op.method || other.path === op.path) return false;
    const template = new RegExp(`^${other.path.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    return template.test(path) && !other.path.includes("{");
  });
}

async function send(op: Operation, request: Request, key: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: "application/json" };
  for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
  if (request.body) headers["content-type"] = request.body.mediaType;
  const body = request.body?.text;
  const res = await server.fetch(urlOf(op, request), { method: op.method.toUpperCase(), headers, body });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text };
}

type Answer = Awaited<ReturnType<typeof send>>;

/** The answer is one the operation documents, in its documented shape. */
function expectDocumented(op: Operation, request: Request, answer: Answer): any {
  const what = describeExchange(op, request, answer);
  expect(answer.status, what).toBeLessThan(500);
  const response = op.op.responses[String(answer.status)] ?? op.op.responses.default;
  expect(response, `${what}\n(status not documented)`).toBeDefined();
  if (answer.status === 204 || answer.status === 304) {
    expect(answer.text, what).toBe("");
    return undefined;
  }
  const mediaType = answer.contentType.split(";")[0]!.trim();
  const media = response.content?.[mediaType];
  expect(media, `${what}\n(${mediaType} is not documented for ${answer.status})`).toBeDefined();
  const body = JSON.parse(answer.text);
  expect(schemas.validates(media.schema, body), `${what}\n${schemas.errorsOf(media.schema, body)}`).toBe(
    true,
  );
  if (answer.status >= 400) {
    expect(mediaType, what).toBe(PROBLEM);
    expect(body.type, what).toMatch(PROBLEM_TYPE);
    expect(body.status, what).toBe(answer.status);
    const title = titles.get(body.type) ?? body.title;
    titles.set(body.type, title);
    expect(body.title, `${what}\n(another title for ${body.type})`).toBe(title);
  }
  return body;
}

function describeExchange(op: Operation, request: Request, answer: Answer): string {
  const body = request.body ? `${request.body.mediaType} ${request.body.text}` : "(no body)";
  return `${op.method.toUpperCase()} ${urlOf(op, request).slice(0, 300)} ${body.slice(0, 300)}${body.length > 300 ? "…" : ""}\n→ ${answer.status} ${answer.text.slice(0, 400)}`;
}

/** The request limits of README's "Limits": 1 MiB bodies, Node's 16 KiB of request head. */
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;
const bodyBytes = (request: Request) => Buffer.byteLength(request.body?.text ?? "");
const headBytes = (op: Operation, request: Request) =>
  Buffer.byteLength(urlOf(op, request)) +
  Object.entries(request.headers).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(String(v)), 0);

const slugOf = (body: any) => String(body?.type ?? "").replace("https://switchyard.dev/problems/", "");

/** Who the suite calls as: the fixture team's admin, or the platform admin where only it may. */
const callerFor = (op: Operation) =>
  op.op["x-switchyard-access"]?.scope === "platform-admin" ? server.adminKey : fixture.teamAdmin;

const ORDER: Record<string, number> = { delete: 2 };
const operations = () =>
  operationsOf(doc)
    .filter((o) => o.path.startsWith("/v1/"))
    .sort((a, b) => (ORDER[a.method] ?? 0) - (ORDER[b.method] ?? 0));

const property = <T>(arb: fc.Arbitrary<T>, check: (value: T) => Promise<void>, numRuns = RUNS) =>
  fc.assert(fc.asyncProperty(arb, check), { seed: SEED, numRuns, endOnFailure: true });

describe("the document and the server agree", () => {
  it("on every operation the document lists (the generator knows each of their schemas)", () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(38);
    for (const op of ops) {
      for (const p of parametersOf(op.op)) schemas.valid(p.schema);
      for (const [, schema] of bodySchemas(op.op)) schemas.valid(schema);
    }
  });

  // Cases named from the committed document (the served one is read in beforeAll; they are equal:
  // openapi.test.ts).
  it.each(
    operationsOf(COMMITTED)
      .filter((o) => o.path.startsWith("/v1/"))
      .sort((a, b) => (ORDER[a.method] ?? 0) - (ORDER[b.method] ?? 0))
      .map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.method, o.path] as const),
  )("%s", async (_name, method, path) => {
    const op = operations().find((o) => o.method === method && o.path === path);
    if (!op) throw new Error(`${method} ${path} is not in the served document`);
    const key = callerFor(op);

    // Valid requests: never refused for their shape.
    await property(validRequest(op), async (request) => {
      const url = urlOf(op, request);
      fc.pre(!routedElsewhere(op, url));
      const answer = await send(op, request, key);
      const body = expectDocumented(op, request, answer);
      const what = `valid per the document: ${describeExchange(op, request, answer)}`;
      expect(answer.status, what).not.toBe(415);
      // Limits of HTTP rather than of the schema, documented on every operation.
      if (answer.status === 413) expect(bodyBytes(request), what).toBeGreaterThan(MAX_BODY_BYTES);
      if (answer.status === 431) expect(headBytes(op, request), what).toBeGreaterThan(MAX_HEADER_BYTES);
      if (answer.status === 400) {
        const allowed = [
          ...(DOMAIN_400[op.op.operationId]?.(request) ?? []),
          ...cursorRefusal(request),
          ...newStageRefusal(request),
        ];
        expect(allowed, what).toContain(slugOf(body));
      }
    });

    // Invalid requests: refused, for the right reason.
    const invalid = invalidRequest(op);
    if (invalid) {
      await property(invalid, async (request) => {
        const url = urlOf(op, request);
        fc.pre(!routedElsewhere(op, url));
        const answer = await send(op, request, key);
        const body = expectDocumented(op, request, answer);
        const what = `invalid (${request.broken}): ${describeExchange(op, request, answer)}`;
        const expected = [400];
        // The access rule looks the path's team or project up before anything is validated.
        if (/^path\.(team|project)$/.test(request.broken ?? "")) expected.push(403, 404);
        // No body at all is no media type the operation takes.
        if (request.broken === "body.missing" && op.op.responses["415"]) expected.push(415);
        expect(expected, what).toContain(answer.status);
        if (answer.status === 400) {
          expect(slugOf(body), what).toBe(
            request.broken === "body.json" ? "malformed-json" : "validation-error",
          );
        }
      });
    }

    // A refused caller: one answer whatever it sends (the path stays the fixture's).
    const refused = op.op["x-switchyard-access"];
    const refusedKey =
      refused?.scope === "project"
        ? fixture.otherAdmin
        : refused?.scope === "platform-admin" || (refused?.role && refused.role !== "viewer")
          ? fixture.viewer
          : undefined;
    if (refusedKey) {
      const real = { path: fixture.params, query: {}, headers: {} } satisfies Request;
      const baseline = await send(op, real, refusedKey);
      expectDocumented(op, real, baseline);
      expect([403, 404]).toContain(baseline.status);
      const strip = (a: Answer) => ({ ...a, text: a.text.replace(/"requestId":"[^"]*",?/, "") });
      await property(
        fc
          .oneof(validRequest(op), ...(invalid ? [invalid] : []))
          .map((r) => ({ ...r, path: fixture.params })),
        async (request) => {
          expect(strip(await send(op, request, refusedKey)), JSON.stringify(request).slice(0, 300)).toEqual(
            strip(baseline),
          );
        },
        Math.ceil(RUNS / 2),
      );
    }
  });
});

describe("requests past HTTP's limits", () => {
  it("are documented on every operation: 431 for the request head, 413 where a body is taken", () => {
    for (const op of operationsOf(doc)) {
      const what = `${op.method.toUpperCase()} ${op.path}`;
      expect(op.op.responses["431"]?.content?.[PROBLEM], what).toBeDefined();
      if (op.op.requestBody) expect(op.op.responses["413"]?.content?.[PROBLEM], what).toBeDefined();
    }
  });

  it("are answered as problem+json: a head over 16 KiB with 431, bad HTTP with 400", async () => {
    const res = await server.fetch("/v1/whoami", {
      headers: { authorization: `Bearer ${fixture.viewer}`, "x-padding": "a".repeat(MAX_HEADER_BYTES) },
    });
    expect(res.status).toBe(431);
    expect(res.headers.get("content-type")).toBe(PROBLEM);
    expect(await res.json()).toEqual({
      type: "https://switchyard.dev/problems/request-header-fields-too-large",
      title: "Request header fields too large",
      status: 431,
      detail: "The request line and headers are larger than 16384 bytes.",
    });
    const { port } = new URL(server.url);
    const raw = await rawExchange(Number(port), "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\ncontent-type: application\/problem\+json\r\n/);
    expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)).type).toBe(
      "https://switchyard.dev/problems/bad-request",
    );
  });
});

/** What the server answers to `request` written as is on a TCP connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(request));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("the generator", () => {
  const tiny = new SchemaArbitraries({ components: {} });
  const object: Schema = {
    type: "object",
    properties: {
      name: { type: "string", pattern: "^[a-z]+$", maxLength: 5 },
      count: { type: "integer", minimum: 1, maximum: 9_999_999_999 },
      when: { type: "string", format: "date-time" },
      tags: { type: "array", items: { type: "string", maxLength: 3 }, maxItems: 2, uniqueItems: true },
    },
    required: ["name"],
    additionalProperties: false,
  };

  it("draws values the schema accepts, and values it refuses", () => {
    const valid = fc.sample(tiny.valid(object), { numRuns: 200, seed: SEED });
    expect(valid.every((v) => tiny.validates(object, v))).toBe(true);
    const invalid = fc.sample(tiny.invalid(object)!, { numRuns: 200, seed: SEED });
    expect(invalid.some((v) => tiny.validates(object, v))).toBe(false);
    // Each way of breaking it shows up.
    expect(invalid.some((v) => typeof v === "object" && v !== null && !("name" in v))).toBe(true);
    expect(invalid.some((v: any) => typeof v?.count === "number" && v.count > 9_999_999_999)).toBe(true);
    expect(invalid.some((v: any) => typeof v?.name === "string" && codePoints(v.name) > 5)).toBe(true);
  });

  it("refuses a schema keyword it does not know, rather than generate too little", () => {
    expect(() => tiny.valid({ type: "string", contentEncoding: "base64" })).toThrow(/contentEncoding/);
  });
});
