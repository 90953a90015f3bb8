/**
 * Hostile event patterns, through HTTP: each is refused with a 4xx in EventBridge's words, in
 * bounded work (counted, never expanded), and the service keeps answering everyone meanwhile.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let key: string;
beforeAll(async () => {
  server = await startTestServer();
  key = (await createTeamWithKey(server, "deployer")).key;
});
afterAll(() => server.close());

const TOO_COMPLEX =
  "Event pattern is not valid. Reason: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

const testPattern = (pattern: unknown, event: unknown = { source: "x" }) =>
  server.fetch("/v1/test-pattern", jsonRequest(key, "POST", { pattern, event }));

/** `count` sibling two-way `$or`s: 2^count combinations if expanded. */
function siblingOrs(count: number): Record<string, unknown> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`f${i}`, { $or: [{ a: [1] }, { b: [1] }] }]),
  );
}

/** A hostile request and /healthz sent together: both must answer, the service unharmed. */
async function besideHealthz(hostile: Promise<Response>): Promise<Response> {
  const [res, health] = await Promise.all([hostile, server.fetch("/healthz")]);
  expect(health.status).toBe(200);
  return res;
}

describe("$or explosion (#15 item 4)", () => {
  it.each([18, 60, 100])("refuses %i sibling $or fields with EventBridge's message", async (count) => {
    const res = await besideHealthz(testPattern(siblingOrs(count)));
    expect(res.status).toBe(400);
    expect(await bodyOf(res)).toMatchObject({
      type: "https://switchyard.dev/problems/invalid-event-pattern",
      detail: TOO_COMPLEX,
    });
  });

  it("refuses it as pattern text with duplicate $or keys, too", async () => {
    const ors = Array.from({ length: 40 }, (_, i) => `"$or":[{"a":["${i}"]},{"b":["${i}"]}]`).join(",");
    const res = await testPattern(`{${ors}}`);
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).detail).toBe(TOO_COMPLEX);
  });

  it("still matches a pattern at the limit (10 sibling $or: 1,024 combinations)", async () => {
    const event = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, { b: 1 }]));
    const res = await testPattern(siblingOrs(10), event);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ matches: true });
  });

  it("answers a config whose trigger has such a pattern with a located 422", async () => {
    const pattern = JSON.stringify(siblingOrs(18));
    const config = [
      "resources:",
      "  bus:",
      "    type: event-bus",
      "  consumer:",
      "    type: function",
      "    properties:",
      "      packaging:",
      "        type: stacktape-lambda-buildpack",
      "        properties: { entryfilePath: a.ts }",
      "      events:",
      "        - type: event-bus",
      "          properties:",
      "            eventBusName: bus",
      `            eventPattern: ${pattern}`,
      "",
    ].join("\n");
    const res = await besideHealthz(
      server.fetch("/v1/validate", {
        method: "POST",
        headers: { ...bearer(key), "content-type": "application/yaml" },
        body: config,
      }),
    );
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).errors).toEqual([
      {
        path: "resources.consumer.properties.events.0.properties.eventPattern",
        line: 14,
        column: 27,
        message: TOO_COMPLEX,
      },
    ]);
  });
});

describe("deep nesting (#15 item 3)", () => {
  it("refuses 250,000 brackets after a quote character in a config with the nesting limit", async () => {
    const res = await besideHealthz(
      server.fetch("/v1/validate", {
        method: "POST",
        headers: { ...bearer(key), "content-type": "application/yaml" },
        body: `resources: {}\nx: [it's, ${"[".repeat(250_000)}\n`,
      }),
    );
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).errors).toEqual([
      { path: "(root)", line: 2, column: 74, message: "The config nests deeper than 64 levels." },
    ]);
  });

  it("refuses deep patterns and events past the lexer's 1,000 levels, after a quote too", async () => {
    const deep = "[".repeat(250_000);
    // A pattern that deep is over 4,096 characters, EventBridge's first check.
    const pattern = await besideHealthz(testPattern(`{"a":"'",${deep}`));
    expect(pattern.status).toBe(400);
    expect((await bodyOf(pattern)).detail).toMatch(/less than or equal to 4096$/);
    // Events have no such length limit: the nesting guard refuses them.
    for (const event of [`{"a":"'","b":${deep}`, `{"'":${deep}`]) {
      const res = await besideHealthz(testPattern({ a: ["x"] }, event));
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).type).toBe("https://switchyard.dev/problems/invalid-event");
    }
    const body = `{"pattern":{"a":["x"]},"event":{"a":"'","b":${deep}${"]".repeat(250_000)}}}`;
    const value = await besideHealthz(
      server.fetch("/v1/test-pattern", {
        method: "POST",
        headers: { ...bearer(key), "content-type": "application/json" },
        body,
      }),
    );
    // As a JSON value rather than text, the body's own shape check refuses it before parsing.
    expect(value.status).toBe(400);
    expect(await bodyOf(value)).toMatchObject({
      type: "https://switchyard.dev/problems/bad-request",
      detail: "The JSON body nests arrays and objects deeper than 1,100 levels.",
    });
  });
});

describe("fuzzed patterns never answer 5xx", () => {
  const name = fc.constantFrom("source", "detail", "a", "b", "$or", "prefix", "numeric", "anything-but");
  const operator = fc.oneof(
    fc.record({ prefix: fc.oneof(fc.string(), fc.record({ "equals-ignore-case": fc.string() })) }),
    fc.record({ suffix: fc.string() }),
    fc.record({ wildcard: fc.stringMatching(/^[a*\\]{0,12}$/) }),
    fc.record({ "equals-ignore-case": fc.string() }),
    fc.record({
      numeric: fc.array(fc.oneof(fc.constantFrom("<", ">", "=", ">=", "<="), fc.double()), { maxLength: 5 }),
    }),
    fc.record({
      "anything-but": fc.oneof(fc.string(), fc.integer(), fc.array(fc.oneof(fc.string(), fc.integer()))),
    }),
    fc.record({ exists: fc.oneof(fc.boolean(), fc.string()) }),
    fc.record({
      cidr: fc.oneof(
        fc.ipV4().map((ip) => `${ip}/24`),
        fc.string(),
      ),
    }),
    fc.dictionary(name, fc.anything(), { maxKeys: 2 }),
  );
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), operator);
  const { pattern } = fc.letrec<{ pattern: Record<string, unknown>; value: unknown }>((tie) => ({
    pattern: fc.dictionary(name, tie("value"), { maxKeys: 4 }),
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.array(leaf, { maxLength: 4 }),
      tie("pattern"),
      fc.array(tie("pattern"), { maxLength: 4 }),
      leaf,
    ),
  }));
  const event = fc.dictionary(name, fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()), fc.object()));

  it("as JSON values", async () => {
    await fc.assert(
      fc.asyncProperty(pattern, event, async (p, e) => {
        const res = await testPattern(p, e);
        expect([200, 400]).toContain(res.status);
      }),
      { seed: 15_004, numRuns: 150 },
    );
    expect((await server.fetch("/healthz")).status).toBe(200);
  });

  it("as pattern text cut or spliced anywhere", async () => {
    const base = JSON.stringify({
      source: ["a"],
      detail: { $or: [{ n: [{ numeric: [">", 1, "<=", 5] }] }, { w: [{ wildcard: "x*y" }] }] },
    });
    const mutated = fc
      .tuple(fc.nat(base.length), fc.nat(base.length), fc.string({ maxLength: 8 }))
      .map(([at, cut, insert]) => base.slice(0, at) + insert + base.slice(Math.max(at, cut)));
    await fc.assert(
      fc.asyncProperty(mutated, async (text) => {
        const res = await testPattern(text);
        expect([200, 400]).toContain(res.status);
      }),
      { seed: 15_003, numRuns: 150 },
    );
  });
});
