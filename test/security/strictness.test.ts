/**
 * The smaller holes of #15 §7: stack outputs past CloudFormation's 200 refused where the config
 * makes them (not silently cut), path integers in one form only, identifiers without stray hyphens,
 * free-text names without control or bidirectional characters; and names stored before these rules
 * still reachable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, newKeyId } from "../../api/auth/secrets.js";
import { bearer, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { type Bystander, bystanderTeam, expectProblem, type Hostile, hostileTeam } from "./support.js";

let server: TestServer;
let hostile: Hostile;
let bystander: Bystander;
beforeAll(async () => {
  server = await startTestServer();
  [hostile, bystander] = await Promise.all([hostileTeam(server), bystanderTeam(server)]);
});
afterAll(async () => {
  await bystander.assertUntouched();
  await server.close();
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("stack outputs past CloudFormation's 200", () => {
  // Two referenceable params each (arn, archiveArn): the 101st bus's arn is the 201st output.
  const buses = `resources:\n${range(101)
    .map((i) => `  bus${i}:\n    type: event-bus\n    properties: { archivation: { enabled: true } }`)
    .join("\n")}\n`;
  const expected = {
    path: "resources.bus100",
    line: 302,
    column: 3,
    message: expect.stringMatching(
      /^The stack would have 202 outputs \(0 from stackConfig.outputs, 202 for the resources' referenceable params.*"arn" is the 201st\); CloudFormation allows at most 200\./,
    ),
  };

  it("refuses them when validating, at the resource whose params pass the limit", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(hostile.key), "content-type": "application/yaml" },
      body: buses,
    });
    expect((await expectProblem(res, 422, "config-invalid")).errors).toEqual([expected]);
  });

  it("refuses to deploy them, starting nothing", async () => {
    expect((await hostile.postConfig(buses)).status).toBe(201);
    const stage = `/v1/projects/${hostile.project}/stages/outs`;
    const res = await server.fetch(`${stage}/deployments`, jsonRequest(hostile.key, "POST", {}));
    expect((await expectProblem(res, 422, "config-invalid")).errors).toEqual([expected]);
    await expectProblem(await server.fetch(stage, jsonRequest(hostile.key, "GET")), 404);
    const list = await server.fetch(`${stage}/deployments`, jsonRequest(hostile.key, "GET"));
    expect((await bodyOf(list)).items).toEqual([]);
  });
});

describe("integers in paths and queries: decimal digits only", () => {
  const configs = () => `/v1/projects/${bystander.project}/configs`;
  const get = (path: string) => server.fetch(path, jsonRequest(bystander.key, "GET"));

  it.each(["0x10", "1e1", "%2B1", "%201", "1%20", "01", "1.0", "-1", "0", "1_0", "99999999999999999999"])(
    "answers /configs/%s with 400, never another version",
    async (version) => {
      const body = await expectProblem(await get(`${configs()}/${version}`), 400, "validation-error");
      expect(body.errors[0].path).toBe("param.version");
    },
  );

  it("answers a well-formed version with it, or 404", async () => {
    expect((await bodyOf(await get(`${configs()}/1`))).version).toBe(1);
    await expectProblem(await get(`${configs()}/16`), 404, "not-found");
  });

  it.each(["0x10", "1e1", "%2B5", "05", "5.0"])("answers ?limit=%s with 400", async (limit) => {
    await expectProblem(await get(`${configs()}?limit=${limit}`), 400, "validation-error");
  });
});

describe("identifiers: words joined by single hyphens", () => {
  it.each(["-x", "x-", "a--b", "---", "-"])("refuses a new team or project named %j", async (name) => {
    const team = await server.fetch("/v1/teams", jsonRequest(server.adminKey, "POST", { name }));
    expect((await expectProblem(team, 400, "validation-error")).errors[0].path).toBe("json.name");
    const project = await server.fetch("/v1/projects", jsonRequest(hostile.key, "POST", { name }));
    expect((await expectProblem(project, 400, "validation-error")).errors[0].path).toBe("json.name");
  });

  it.each(["-x", "x-", "a--b", "---"])("refuses a new stage named %j, creating nothing", async (stage) => {
    const path = `/v1/projects/${hostile.project}/stages/${stage}`;
    for (const action of ["deployments", "previews"]) {
      const res = await server.fetch(`${path}/${action}`, jsonRequest(hostile.key, "POST", {}));
      expect((await expectProblem(res, 400, "validation-error")).errors).toEqual([
        { path: "stage", message: "lowercase letters and digits in words joined by single hyphens" },
      ]);
    }
    await expectProblem(await server.fetch(path, jsonRequest(hostile.key, "GET")), 404);
  });

  it("accepts words joined by single hyphens", async () => {
    const res = await server.fetch("/v1/teams", jsonRequest(server.adminKey, "POST", { name: "a-b-9" }));
    expect(res.status, await res.text()).toBe(201);
  });
});

describe("free-text names: no control or bidirectional characters", () => {
  const keys = () => `/v1/teams/${hostile.team}/api-keys`;

  it.each([
    ["CR", "ci\rdeployer"],
    ["LF", "ci\ndeployer"],
    ["NUL", "ci\u0000"],
    ["DEL", "ci\u007f"],
    ["C1 NEL", "ci\u0085"],
    ["RLO", "ci\u202edeployer"],
    ["LRE", "\u202aci"],
    ["RLI", "ci\u2067"],
    ["PDI", "ci\u2069"],
    ["RLM", "ci\u200f"],
    ["ALM", "ci\u061c"],
    ["line separator", "ci\u2028"],
    ["101 characters", "k".repeat(101)],
    ["empty", ""],
  ])("refuses an API key name with %s", async (_what, name) => {
    const res = await server.fetch(keys(), jsonRequest(server.adminKey, "POST", { name, role: "viewer" }));
    expect((await expectProblem(res, 400, "validation-error")).errors[0].path).toBe("json.name");
  });

  it("accepts any other text, and a team description's line breaks", async () => {
    const res = await server.fetch(
      keys(),
      jsonRequest(server.adminKey, "POST", { name: "CI déploiement 日本 (main)", role: "viewer" }),
    );
    expect(res.status, await res.text()).toBe(201);
    const team = await server.fetch(
      "/v1/teams",
      jsonRequest(server.adminKey, "POST", { name: "described", description: "Line one\nLine two" }),
    );
    expect(team.status, await team.text()).toBe(201);
    const hidden = await server.fetch(
      "/v1/teams",
      jsonRequest(server.adminKey, "POST", { name: "described-2", description: "pay \u202egnp.exe" }),
    );
    await expectProblem(hidden, 400, "validation-error");
  });
});

describe("names given before these rules", () => {
  it("still name their team, project, stage and key", async () => {
    const { store } = server.deps;
    const now = new Date().toISOString();
    // Written through the store, as the service wrote them when these names were allowed.
    await store.teams.create({ name: "-legacy-", createdAt: now, createdBy: "test" });
    await store.projects.create({ name: "a--b", team: "-legacy-", createdAt: now, createdBy: "test" });
    const { secret, hash } = generateApiKey();
    await store.apiKeys.create(
      {
        keyId: newKeyId(),
        name: "old\rkey",
        team: "-legacy-",
        role: "admin",
        createdAt: now,
        createdBy: "test",
      },
      hash,
    );
    const read = async (path: string) => {
      const res = await server.fetch(path, jsonRequest(secret, "GET"));
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      return bodyOf(res);
    };
    expect((await read("/v1/teams/-legacy-")).name).toBe("-legacy-");
    expect((await read("/v1/projects/a--b")).name).toBe("a--b");
    expect((await read("/v1/whoami")).name).toBe("old\rkey");
    expect((await read("/v1/teams/-legacy-/api-keys")).items.map((k: { name: string }) => k.name)).toEqual([
      "old\rkey",
    ]);
    const posted = await server.fetch("/v1/projects/a--b/configs", {
      method: "POST",
      headers: { ...bearer(secret), "content-type": "application/yaml" },
      body: "resources:\n  bus:\n    type: event-bus\n",
    });
    expect(posted.status, await posted.text()).toBe(201);
  });
});
