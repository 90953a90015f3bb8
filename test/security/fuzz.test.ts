/**
 * Property-based fuzzing of what tenants send (#15), through HTTP on the real app: config text built
 * from YAML's own syntax, the fixture configs cut and spliced, valid-ish configs whose values are
 * mutated, config trees with hostile keys, `overrides` paths, deep nesting, huge strings and alias
 * ladders at the limits, and event patterns with events, to `POST /v1/validate`,
 * `POST /v1/projects/{project}/configs` and `POST /v1/test-pattern`.
 *
 * Every answer is a success or a 4xx problem+json whose `type` is one the route documents for that
 * status, never a 5xx and never an engine's message; the process's prototypes stay as they were and
 * /healthz answers after each property. Where two routes or two encodings must agree (YAML and JSON
 * of one config; validate and store; a pattern as an object and as text) they are sent both ways.
 *
 * Bounded and seeded: about 700 requests in all, 6-8 s on an idle two-core machine. fast-check
 * prints the seed and the counterexample's path on failure: `{ seed, path }` in fc.assert's options
 * replays it.
 */
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import { CONFIG_LIMITS, limitMessages } from "../../api/config/index.js";
import { PROBLEM_BASE } from "../../api/http/problem.js";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { startTestServer, type TestServer } from "../support/server.js";
import {
  aliasLadder,
  hostileKey,
  hostileTree,
  type NestingStyle,
  nestedYaml,
  patternAndEvent,
  spliced,
  validishConfig,
  yamlPieceText,
} from "./fuzz-arbitraries.js";

let server: TestServer;
let key: string;
const project = "fuzz";
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
beforeAll(async () => {
  server = await startTestServer();
  key = await createKey(server, await createTeam(server), "maintainer");
  const created = await server.fetch("/v1/projects", jsonRequest(key, "POST", { name: project }));
  expect(created.status).toBe(201);
});
afterAll(() => server.close());
afterEach(async () => {
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
  expect((await server.fetch("/healthz")).status).toBe(200);
});

/** Catches a hang, not slowness (the event-loop bound has its own test). */
const CLIENT_TIMEOUT_MS = 20_000;

/** Messages the engine or a library writes, which must never reach a caller. */
const ENGINE_WORDS =
  /Maximum call stack|RangeError|TypeError|Invalid array length|Excessive alias count|is not a function|Cannot read propert/;

/** For each status a route may answer, the problem types (slugs) it may carry; `[]` for a success. */
type Expected = Record<number, readonly string[]>;
const REQUEST_PROBLEMS = { 400: ["malformed-json", "validation-error", "bad-request"] };
const VALIDATE: Expected = { 200: [], ...REQUEST_PROBLEMS, 422: ["config-invalid"] };
const POST_CONFIG: Expected = {
  200: [],
  201: [],
  ...REQUEST_PROBLEMS,
  413: ["payload-too-large"],
  422: ["config-invalid"],
};
const TEST_PATTERN: Expected = {
  200: [],
  400: [...REQUEST_PROBLEMS[400], "invalid-event-pattern", "invalid-event"],
};

interface Answer {
  status: number;
  body: any;
}

/** Asserts the answer is one `expected` allows, in Switchyard's words; returns it. */
async function answered(res: Response, expected: Expected): Promise<Answer> {
  const text = await res.text();
  const context = `${res.status} ${text.slice(0, 500)}`;
  expect(res.status, context).toBeLessThan(500);
  expect(Object.keys(expected), context).toContain(String(res.status));
  const body = JSON.parse(text);
  if (res.status >= 400) {
    expect(res.headers.get("content-type"), context).toBe("application/problem+json");
    expect(body.status, context).toBe(res.status);
    expect(
      expected[res.status]!.map((slug) => `${PROBLEM_BASE}${slug}`),
      context,
    ).toContain(body.type);
    expect(typeof body.detail, context).toBe("string");
    for (const e of body.errors ?? []) {
      expect(typeof e.path, context).toBe("string");
      expect(typeof e.message, context).toBe("string");
    }
    expect(text, context).not.toMatch(ENGINE_WORDS);
  }
  return { status: res.status, body };
}

const send = (path: string, contentType: string, body: string) =>
  server.fetch(path, {
    method: "POST",
    headers: { ...bearer(key), "content-type": contentType },
    body,
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });

const validateYaml = async (text: string) =>
  answered(await send("/v1/validate", "application/yaml", text), VALIDATE);
const validateObject = async (config: unknown) =>
  answered(await send("/v1/validate", "application/json", JSON.stringify({ config })), VALIDATE);
const storeYaml = async (text: string) =>
  answered(await send(`/v1/projects/${project}/configs`, "application/yaml", text), POST_CONFIG);
const storeObject = async (config: unknown) =>
  answered(
    await send(`/v1/projects/${project}/configs`, "application/json", JSON.stringify({ config })),
    POST_CONFIG,
  );

/** Storing checks less than validating (no compile): what validates stores, what stores not validates not. */
function expectStoreAgrees(validated: Answer, stored: Answer): void {
  if (validated.status === 200) expect([200, 201], JSON.stringify(stored.body)).toContain(stored.status);
  if (stored.status === 422) expect(validated.status, JSON.stringify(validated.body)).toBe(422);
}

const LIMIT_MESSAGES = new Set(
  Object.values(limitMessages).map((message) =>
    (message as (n: number) => string)(CONFIG_LIMITS.resources + 1),
  ),
);
const reachedALimit = (a: Answer) => messagesOf(a).some((m) => LIMIT_MESSAGES.has(m));

/** Each located problem's message, for comparing answers without their positions or order. */
const messagesOf = (a: Answer): string[] =>
  (a.body.errors ?? []).map((e: { message: string }) => e.message).sort();

describe("config text", () => {
  it("built from YAML's syntax and the config language, to validate and to store", async () => {
    await fc.assert(
      fc.asyncProperty(yamlPieceText, async (t) => {
        if (t.trim() === "") return;
        expectStoreAgrees(await validateYaml(t), await storeYaml(t));
      }),
      { seed: 15_101, numRuns: 40 },
    );
  });

  it("the fixture configs cut and spliced anywhere", async () => {
    const fixtures = readdirSync("test/fixtures/configs").map((f) =>
      readFileSync(`test/fixtures/configs/${f}`, "utf8"),
    );
    await fc.assert(
      fc.asyncProperty(spliced(fixtures), async (t) => {
        await validateYaml(t);
      }),
      { seed: 15_102, numRuns: 40 },
    );
  });

  it("nested in every YAML style, refused past the nesting limit at the level it is reached", async () => {
    const style = fc.constantFrom<NestingStyle>(
      "flow-sequence",
      "flow-mapping",
      "block-sequence",
      "block-mapping",
    );
    // The root mapping and `variables` are two levels; `x` is none.
    const depth = fc.integer({ min: CONFIG_LIMITS.nesting - 6, max: CONFIG_LIMITS.nesting + 6 });
    await fc.assert(
      fc.asyncProperty(style, depth, async (s, d) => {
        const answer = await validateYaml(`resources: {}\nvariables:\n  x:${nestedYaml(s, d)}\n`);
        if (2 + d <= CONFIG_LIMITS.nesting) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        else expect(messagesOf(answer)).toEqual([limitMessages.nesting()]);
      }),
      { seed: 15_106, numRuns: 20 },
    );
  });

  it("alias ladders (billion laughs) load or are refused by the alias or value count", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 30 }),
        async (levels, fan) => {
          const answer = await validateYaml(aliasLadder(levels, fan));
          const uses = (levels - 1) * fan;
          if (uses > CONFIG_LIMITS.aliases) expect(messagesOf(answer)).toEqual([limitMessages.aliases()]);
          else if (fan ** (levels - 1) < CONFIG_LIMITS.values / 2) expect(answer.status).toBe(200);
          else if (answer.status !== 200) expect(messagesOf(answer)).toEqual([limitMessages.values()]);
        },
      ),
      { seed: 15_107, numRuns: 25 },
    );
  });

  it("strings around the length limit, as keys and values, in every quoting style", async () => {
    const quoting = fc.constantFrom(
      (s: string) => s,
      (s: string) => `"${s}"`,
      (s: string) => `'${s}'`,
      (s: string) => `|-\n    ${s}`,
    );
    const length = fc.constantFrom(CONFIG_LIMITS.stringChars, CONFIG_LIMITS.stringChars + 1, 200_000);
    await fc.assert(
      fc.asyncProperty(quoting, length, fc.boolean(), async (quote, n, asKey) => {
        const s = "x".repeat(n);
        // An implicit key (`key: value`) is limited to 1,024 characters by YAML itself: an explicit one is not.
        const text = asKey
          ? `resources: {}\nvariables:\n  ? ${quote(s)}\n  : 1\n`
          : `resources: {}\nvariables:\n  x: ${quote(s)}\n`;
        const answer = await validateYaml(text);
        if (n <= CONFIG_LIMITS.stringChars) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        else expect(messagesOf(answer)).toEqual([limitMessages.stringChars()]);
      }),
      { seed: 15_108, numRuns: 12 },
    );
  });
});

describe("config objects", () => {
  it("valid-ish configs with mutated values: YAML and JSON agree, and validate agrees with store", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(validishConfig, async (config) => {
        const asJson = await validateObject(config);
        const asYaml = await validateYaml(toYaml(config, { aliasDuplicateObjects: false, lineWidth: 0 }));
        expect(asYaml.status, JSON.stringify([asJson.body, asYaml.body])).toBe(asJson.status);
        // A limit stops the walk where it is reached, and the two walks go in different orders.
        if (![asJson, asYaml].some(reachedALimit)) expect(messagesOf(asYaml)).toEqual(messagesOf(asJson));
        expectStoreAgrees(asJson, await storeObject(config));
        if (asJson.status === 200) accepted++;
      }),
      { seed: 15_109, numRuns: 30 },
    );
    // The generator is worth its name only if some of what it builds is valid.
    expect(accepted).toBeGreaterThan(0);
  });

  it("with hostile keys at any depth, as the JSON body's config", async () => {
    const config = fc.record({
      resources: fc.dictionary(hostileKey, hostileTree, { maxKeys: 3 }),
      variables: hostileTree,
    });
    await fc.assert(
      fc.asyncProperty(config, async (c) => {
        // JSON.stringify keeps an own "__proto__" key, as an attacker's JSON text would have it.
        expectStoreAgrees(await validateObject(c), await storeObject(c));
      }),
      { seed: 15_103, numRuns: 30 },
    );
  });

  it("with overrides paths of any segments: a reserved segment is always a located 422", async () => {
    const segment = fc.oneof(
      hostileKey,
      fc.constantFrom("Tags", "0", "Description", "RetryPolicy"),
      fc.string({ maxLength: 3 }),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join("."));
    await fc.assert(
      fc.asyncProperty(path, fc.jsonValue({ maxDepth: 3 }), async (p, v) => {
        const config = { resources: { bus: { type: "event-bus", overrides: { BusEventBus: { [p]: v } } } } };
        const validated = await validateObject(config);
        const stored = await storeObject(config);
        expectStoreAgrees(validated, stored);
        const reserved = p.split(".").some((s) => ["__proto__", "constructor", "prototype"].includes(s));
        if (!reserved) return;
        // As YAML text, so that the problem has a line and column too.
        const asYaml = await validateYaml(toYaml(config, { lineWidth: 0 }));
        for (const answer of [validated, stored, asYaml]) {
          expect(answer.status).toBe(422);
          expect(answer.body.errors).toContainEqual(
            expect.objectContaining({ path: `resources.bus.overrides.BusEventBus.${p}` }),
          );
        }
        expect(asYaml.body.errors).toContainEqual(
          expect.objectContaining({
            path: `resources.bus.overrides.BusEventBus.${p}`,
            line: expect.any(Number),
            column: expect.any(Number),
          }),
        );
      }),
      { seed: 15_104, numRuns: 30 },
    );
  });
});

describe("test-pattern", () => {
  const testPattern = async (pattern: unknown, evt: unknown) =>
    answered(
      await send("/v1/test-pattern", "application/json", JSON.stringify({ pattern, event: evt })),
      TEST_PATTERN,
    );

  it("patterns of every operator and events of any JSON: the same answer as objects and as text", async () => {
    let matched = 0;
    await fc.assert(
      fc.asyncProperty(patternAndEvent, async ([pattern, evt]) => {
        const asObject = await testPattern(pattern, evt);
        const asText = await testPattern(JSON.stringify(pattern), JSON.stringify(evt));
        expect(asText, JSON.stringify({ pattern, evt })).toEqual({
          status: asObject.status,
          body:
            asObject.status === 200 ? asObject.body : { ...asObject.body, requestId: asText.body.requestId },
        });
        if (asObject.body.matches) matched++;
      }),
      { seed: 15_110, numRuns: 50 },
    );
    expect(matched).toBeGreaterThan(0);
  });

  it("request bodies cut or spliced anywhere", async () => {
    const base = JSON.stringify({
      pattern: { source: ["a"], detail: { $or: [{ n: [{ numeric: [">", 1] }] }, { w: [{ prefix: "x" }] }] } },
      event: { source: "a", "detail-type": "t", detail: { n: 2, w: "xy", deep: [[{ a: "'" }]] } },
    });
    const pieces = fc.constantFrom("[", "{", '"', "'", ",", ":", "]", "}", "\\", "1e999", "null", "$or");
    const mutated = fc
      .tuple(fc.nat(base.length), fc.nat(base.length), fc.array(pieces, { maxLength: 6 }))
      .map(([at, cut, insert]) => base.slice(0, at) + insert.join("") + base.slice(Math.max(at, cut)));
    await fc.assert(
      fc.asyncProperty(mutated, async (body) => {
        await answered(await send("/v1/test-pattern", "application/json", body), TEST_PATTERN);
      }),
      { seed: 15_105, numRuns: 40 },
    );
  });
});
