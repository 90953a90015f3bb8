/**
 * Bounded parsing of configs (#15 item 3 and "bounded parsing"): every limit of api/config/limits.ts,
 * exceeded through HTTP, is a located 422 in Switchyard's words; the parser stops where the limit is
 * reached, not at the end of the text (the located position shows it); configs at the limits still
 * load; and while the worst of them are in flight, /healthz and another team keep being served.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIG_LIMITS } from "../../api/config/index.js";
import { bearer, jsonRequest } from "../support/auth.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { HOSTILE_CONFIGS } from "./hostile-configs.js";
import {
  type Bystander,
  bystanderTeam,
  expectProblem,
  type Hostile,
  healthzOnNewConnection,
  hostileTeam,
} from "./support.js";

let server: TestServer;
let hostile: Hostile;
let bystander: Bystander;
beforeAll(async () => {
  server = await startTestServer();
  [hostile, bystander] = await Promise.all([hostileTeam(server), bystanderTeam(server)]);
});
afterAll(() => server.close());

/** Generous for a loaded 2-core machine: this catches a hang, not slowness. */
const CLIENT_TIMEOUT_MS = 20_000;

const validate = (config: string | Record<string, unknown>) =>
  server.fetch("/v1/validate", {
    ...(typeof config === "string"
      ? {
          method: "POST",
          headers: { ...bearer(hostile.key), "content-type": "application/yaml" },
          body: config,
        }
      : jsonRequest(hostile.key, "POST", { config })),
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });

/** Messages the engine or a library writes, which must never reach a caller. */
const ENGINE_WORDS =
  /Maximum call stack|RangeError|TypeError|Invalid array length|Excessive alias count|at position \d/;

async function refusedAt(config: string | Record<string, unknown>) {
  const body = await expectProblem(await validate(config), 422, "config-invalid");
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].message).not.toMatch(ENGINE_WORDS);
  return body.errors[0];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("each limit, exceeded, is a located 422 in our words", () => {
  it("nesting: 3,000 nested block sequences, at the 65th", async () => {
    expect(await refusedAt(`${"- ".repeat(3000)}x\n`)).toEqual({
      path: "(root)",
      line: 1,
      column: 2 * CONFIG_LIMITS.nesting + 2,
      message: "The config nests deeper than 64 levels.",
    });
  });

  it("nesting: a JSON body nesting 1,000 arrays, at the path where it passes 64", async () => {
    // Deeper than a JSON body may nest at all is refused before parsing (json-shape.test.ts).
    const text = `{"config":{"resources":{},"variables":{"x":${"[".repeat(1_000)}${"]".repeat(1_000)}}}}`;
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(hostile.key), "content-type": "application/json" },
      body: text,
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const body = await expectProblem(res, 422, "config-invalid");
    expect(body.errors).toEqual([
      {
        path: `variables.x${".0".repeat(CONFIG_LIMITS.nesting - 2)}`,
        message: "The config nests deeper than 64 levels.",
      },
    ]);
  });

  it("tokens: 512 KiB of a flow sequence stops at the token limit, far from the end", async () => {
    const text = `resources: {}\nvariables:\n  x: [${"1,".repeat(CONFIG_LIMITS.bytes / 2 - 64)}1]\n`;
    const error = await refusedAt(text);
    expect(error).toMatchObject({
      path: "(root)",
      line: 3,
      message: expect.stringMatching(/more than 20,000 YAML tokens/),
    });
    // Three tokens per value (a scalar's marker, the scalar, the comma): stopped a tenth of the way in.
    expect(error.column).toBeLessThan((2 * CONFIG_LIMITS.tokens) / 3 + 10);
  });

  it("keys per mapping: at the 1,001st key", async () => {
    const text = `resources: {}\nvariables:\n${range(1001)
      .map((i) => `  k${i}: 1`)
      .join("\n")}\n`;
    expect(await refusedAt(text)).toEqual({
      path: "(root)",
      line: 1003,
      column: 3,
      message: "A mapping has more than 1,000 keys.",
    });
  });

  it("duplicate keys, found without comparing every pair, in our words", async () => {
    expect(await refusedAt("resources: {}\nvariables:\n  a: 1\n  b: 2\n  a: 3\n")).toEqual({
      path: "(root)",
      line: 5,
      column: 3,
      message: 'Duplicate key "a": the keys of a mapping must be unique.',
    });
  });

  it("string length: a value and a key one character over", async () => {
    const long = "x".repeat(CONFIG_LIMITS.stringChars + 1);
    expect(await refusedAt(`resources: {}\nvariables:\n  a: ${long}\n`)).toEqual({
      path: "(root)",
      line: 3,
      column: 6,
      message: "A string is longer than 65,536 characters.",
    });
    expect(await refusedAt(`resources: {}\nvariables:\n  ${long}: 1\n`)).toMatchObject({
      line: 3,
      column: 3,
    });
    expect(await refusedAt({ resources: {}, variables: { a: long } })).toEqual({
      path: "variables.a",
      message: "A string is longer than 65,536 characters.",
    });
  });

  it("string length: a string of exactly the limit loads however it is quoted", async () => {
    const atLimit = "x".repeat(CONFIG_LIMITS.stringChars);
    for (const written of [atLimit, `"${atLimit}"`, `'${atLimit}'`, `|-\n    ${atLimit}`]) {
      const res = await validate(`resources: {}\nvariables:\n  a: ${written}\n`);
      expect(res.status, written.slice(0, 3)).toBe(200);
    }
    expect(await refusedAt(`resources: {}\nvariables:\n  a: |-\n    ${atLimit}x\n`)).toMatchObject({
      line: 3,
      message: "A string is longer than 65,536 characters.",
    });
  });

  it("aliases: the 101st use", async () => {
    const text = `resources: {}\nvariables:\n  a: &a 1\n  b: [${range(101)
      .map(() => "*a")
      .join(", ")}]\n`;
    expect(await refusedAt(text)).toEqual({
      path: "(root)",
      line: 4,
      column: 7 + 100 * 4,
      message: "The config uses aliases (*name) more than 100 times.",
    });
  });

  it("values: aliases or $Var() multiplying a list past 50,000, where the count runs out", async () => {
    const list = `[${range(1000).join(",")}]`;
    const viaAlias = `resources: {}\nvariables:\n  a: &a ${list}\n  b: [${range(60)
      .map(() => "*a")
      .join(", ")}]\n`;
    expect(await refusedAt(viaAlias)).toMatchObject({
      path: expect.stringMatching(/^variables\.b\.\d+\.\d+$/),
      line: 4,
      message:
        "The config has more than 50,000 values, counting each use of an alias, $Var() or $This() again.",
    });
    const viaVar = `resources: {}\nvariables:\n  v: ${list}\n  w: [${range(60)
      .map(() => '"$Var().v"')
      .join(", ")}]\n`;
    expect(await refusedAt(viaVar)).toMatchObject({
      path: expect.stringMatching(/^variables\.w\.\d+(\.\d+)?$/),
      line: 4,
      message:
        "The config has more than 50,000 values, counting each use of an alias, $Var() or $This() again.",
    });
  });

  it("a cycle through an alias", async () => {
    expect(await refusedAt("resources: {}\nvariables:\n  a: &a [1, *a]\n")).toMatchObject({
      path: "variables.a.1",
      line: 3,
      message: "A mapping or sequence contains itself (an alias inside what it names).",
    });
  });

  it("copies: a problem inside what $Var() copies is reported once, where it is written", async () => {
    const text = `resources: {}\nvariables:\n  v: ["$Nope()", "$Var().missing"]\n  w: [${range(99)
      .map(() => '"$Var().v"')
      .join(", ")}]\n`;
    const res = await validate(text);
    const body = await expectProblem(res, 422, "config-invalid");
    expect(body.errors.map((e: { path: string; line: number }) => [e.path, e.line])).toEqual([
      ["variables.v.0", 3],
      ["variables.v.1", 3],
    ]);
  });

  it("copies: each $This() inside what it names is cut once, where it is written", async () => {
    const text = 'resources:\n  a:\n    type: event-bus\n    x: ["$This().resources", "$This().resources"]\n';
    const body = await expectProblem(await validate(text), 422, "config-invalid");
    expect(body.errors.filter((e: { message: string }) => e.message.includes("nest too deep"))).toEqual([
      {
        path: "resources.a.x.0",
        line: 4,
        column: 9,
        message: "$This() references nest too deep (a cycle?).",
      },
      {
        path: "resources.a.x.1",
        line: 4,
        column: 30,
        message: "$This() references nest too deep (a cycle?).",
      },
    ]);
  });

  it("resources: the 501st, before any resource is validated", async () => {
    const text = `resources:\n${range(501)
      .map((i) => `  bus${i}: { type: event-bus, properties: { archivaton: {} } }`)
      .join("\n")}\n`;
    expect(await refusedAt(text)).toEqual({
      path: "resources",
      line: 1,
      column: 1,
      message:
        "The config has 501 resources; CloudFormation allows at most 500 per stack, and each resource compiles to at least one. Split the config into several projects.",
    });
  });

  it("bytes: over 512 KiB", async () => {
    expect(await refusedAt(`resources: {}\n# ${"x".repeat(CONFIG_LIMITS.bytes)}\n`)).toEqual({
      path: "(root)",
      message: "The config is larger than 524288 bytes.",
    });
  });

  it("stores nothing for a refused config, and stores one at the limits", async () => {
    const before = await hostile.versions();
    const [refused] = HOSTILE_CONFIGS.filter((c) => !c.accepted && typeof c.config === "string");
    expect((await hostile.postConfig(refused!.config as string)).status).toBe(422);
    expect(await hostile.versions()).toBe(before);
    const accepted = HOSTILE_CONFIGS.find((c) => c.name.startsWith("500 event buses"))!;
    const res = await hostile.postConfig(accepted.config as string);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await hostile.versions()).toBe(before + 1);
  });
});

describe("the worst inputs at once, beside /healthz", () => {
  it("answers each as the limits say, while /healthz and another team keep being served", async () => {
    const log: string[] = [];
    let hostileInFlight = true;
    const healthz = (async () => {
      const statuses: number[] = [];
      while (hostileInFlight) {
        statuses.push(await healthzOnNewConnection(server.url, CLIENT_TIMEOUT_MS));
        log.push("healthz");
      }
      return statuses;
    })();
    const answers = await Promise.all(
      HOSTILE_CONFIGS.map(async (hostileConfig) => {
        const res = await validate(hostileConfig.config);
        log.push("hostile");
        const text = await res.text();
        return { hostileConfig, res, text };
      }),
    );
    hostileInFlight = false;
    const statuses = await healthz;

    for (const { hostileConfig, res, text } of answers) {
      expect(res.status, `${hostileConfig.name}: ${text.slice(0, 300)}`).toBe(
        hostileConfig.accepted ? 200 : 422,
      );
      if (!hostileConfig.accepted) {
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(text).not.toMatch(ENGINE_WORDS);
      }
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    // /healthz was answered between hostile answers, not only after the last of them.
    const first = log.indexOf("hostile");
    const last = log.lastIndexOf("hostile");
    expect(log.slice(first, last).filter((e) => e === "healthz").length).toBeGreaterThan(0);
    await bystander.assertUntouched();
  });
});
