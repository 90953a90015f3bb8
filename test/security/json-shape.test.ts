/**
 * A JSON body's shape is bounded before anything parses it (api/http/json-shape.ts): too deep a
 * nesting or too many arrays and objects answer 400 in our words, whatever the route, after the
 * route's access check; strings holding brackets do not count; at the limits a body is parsed as
 * usual (a config nested past 64 levels is then refused by the config's own limit, an event of
 * 1,000 levels reaches EventBridge's parser).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JSON_BODY_LIMITS } from "../../api/http/json-shape.js";
import { bearer, createKey, createTeam } from "../support/auth.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { expectProblem } from "./support.js";

let server: TestServer;
let maintainer: string;
let viewer: string;
beforeAll(async () => {
  server = await startTestServer();
  const team = await createTeam(server);
  maintainer = await createKey(server, team, "maintainer");
  viewer = await createKey(server, team, "viewer");
});
afterAll(() => server.close());

const post = (path: string, body: string, key = maintainer) =>
  server.fetch(path, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/json" },
    body,
  });
const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
const { depth, containers } = JSON_BODY_LIMITS;

describe("a JSON body's shape", () => {
  it("is refused past the nesting limit, before parsing, on any route", async () => {
    const config = `{"config":{"resources":{},"x":${nested(depth)}}}`;
    const refused = await expectProblem(await post("/v1/validate", config), 400, "bad-request");
    expect(refused.detail).toBe("The JSON body nests arrays and objects deeper than 1,100 levels.");
    const pattern = `{"pattern":{"a":["x"]},"event":{"a":${nested(depth)}}}`;
    expect((await expectProblem(await post("/v1/test-pattern", pattern), 400, "bad-request")).detail).toBe(
      refused.detail,
    );
    // One level less reaches the config's own limit: 64 levels, located.
    const within = await expectProblem(
      await post("/v1/validate", `{"config":{"resources":{},"x":${nested(depth - 3)}}}`),
      422,
      "config-invalid",
    );
    expect(within.errors[0].message).toBe("The config nests deeper than 64 levels.");
  });

  it("is refused past the count of arrays and objects, and strings holding brackets do not count", async () => {
    const many = (n: number) => `{"pattern":{"a":["x"]},"event":{"a":[${Array(n).fill("[]").join(",")}]}}`;
    // The body, the pattern and its list, the event and its list: five besides the n.
    const over = await expectProblem(
      await post("/v1/test-pattern", many(containers - 4)),
      400,
      "bad-request",
    );
    expect(over.detail).toBe("The JSON body has more than 200,000 arrays and objects.");
    const at = await post("/v1/test-pattern", many(containers - 5));
    expect(at.status, await at.clone().text()).toBe(200);
    expect(await at.json()).toEqual({ matches: false });
    // Brackets inside strings (escaped quotes too) are text.
    const text = `"\\"${"[".repeat(depth + 10)}"`;
    const strings = await post("/v1/test-pattern", `{"pattern":{"a":[${text}]},"event":{"a":${text}}}`);
    expect(await strings.json()).toEqual({ matches: true });
  });

  it("is checked after the access check: a refused caller learns nothing of it", async () => {
    const deep = `{"name":"x","role":"viewer","x":${nested(depth + 1)}}`;
    const res = await post(`/v1/teams/no-such-team/api-keys`, deep, viewer);
    await expectProblem(res, 404, "not-found");
  });
});
