/**
 * A config with thousands of problems answers the first 100, by line and column, and says how many
 * there were: the answer stays small (it was 2.3 MB for 10,000) and the same for /v1/validate and
 * for posting the config.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PROBLEMS_SHOWN } from "../../api/http/problem.js";
import { bearer } from "../support/auth.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { expectProblem, type Hostile, hostileTeam } from "./support.js";

let server: TestServer;
let hostile: Hostile;
beforeAll(async () => {
  server = await startTestServer();
  hostile = await hostileTeam(server);
});
afterAll(() => server.close());

const validate = (yaml: string) =>
  server.fetch("/v1/validate", {
    method: "POST",
    headers: { ...bearer(hostile.key), "content-type": "application/yaml" },
    body: yaml,
  });

/** `mappings` mappings of `keys` keys each, all the same key: keys - 1 duplicates in each. */
const duplicates = (mappings: number, keys: number) =>
  `resources:\n  bus:\n    type: event-bus\nvariables:\n${Array.from(
    { length: mappings },
    (_, m) => `  m${m}:\n${"    a: 1\n".repeat(keys)}`,
  ).join("")}`;

describe("the problem list", () => {
  it("is cut at the first 100 by line and column, saying how many there were", async () => {
    // Two mappings of 1,000 keys: within the token limit, 1,998 duplicates.
    const yaml = duplicates(2, 1000);
    const res = await validate(yaml);
    const text = await res.clone().text();
    const body = await expectProblem(res, 422, "config-invalid");
    expect(body.truncated).toEqual({ shown: MAX_PROBLEMS_SHOWN, total: 2 * 999 });
    expect(body.errors).toHaveLength(MAX_PROBLEMS_SHOWN);
    // The first duplicates in the text: the second key of m0 (line 7) onwards, one per line.
    expect(body.errors.map((e: { line: number }) => e.line)).toEqual(
      Array.from({ length: MAX_PROBLEMS_SHOWN }, (_, i) => 7 + i),
    );
    expect(body.errors[0]).toEqual({
      path: "(root)",
      line: 7,
      column: 5,
      message: 'Duplicate key "a": the keys of a mapping must be unique.',
    });
    expect(body.detail).toMatch(/^The config has 1998 problem\(s\)/);
    expect(Buffer.byteLength(text)).toBeLessThan(20_000);

    // Posting it answers the same list, and stores nothing.
    const posted = await expectProblem(await hostile.postConfig(yaml), 422, "config-invalid");
    expect({ errors: posted.errors, truncated: posted.truncated }).toEqual({
      errors: body.errors,
      truncated: body.truncated,
    });
    expect(await hostile.versions()).toBe(0);
  });

  it("is whole, without `truncated`, up to 100 problems", async () => {
    const body = await expectProblem(await validate(duplicates(1, MAX_PROBLEMS_SHOWN + 1)), 422);
    expect(body.errors).toHaveLength(MAX_PROBLEMS_SHOWN);
    expect(body).not.toHaveProperty("truncated");
    const one = await expectProblem(await validate(duplicates(1, MAX_PROBLEMS_SHOWN + 2)), 422);
    expect(one.truncated).toEqual({ shown: MAX_PROBLEMS_SHOWN, total: MAX_PROBLEMS_SHOWN + 1 });
  });
});
