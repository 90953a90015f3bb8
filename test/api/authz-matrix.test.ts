import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_MANIFEST } from "../../api/routes/manifest.js";
import { createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { settled } from "./deployments-support.js";

/**
 * Every route × every kind of caller. Team A owns project P; "other" is an admin of team B;
 * "platform" is the platform-admin key. Mutating routes get fresh targets per case.
 */
type Who = "none" | "bogus" | "viewer" | "deployer" | "maintainer" | "admin" | "other" | "platform";
const WHO: Who[] = ["none", "bogus", "viewer", "deployer", "maintainer", "admin", "other", "platform"];

let server: TestServer;
let teamA: string;
let project: string;
const keys = {} as Record<Who, string | undefined>;
let seq = 0;
const fresh = (p: string) => `${p}-${Date.now().toString(36)}-${seq++}`;

beforeAll(async () => {
  server = await startTestServer();
  teamA = await createTeam(server);
  for (const role of ["viewer", "deployer", "maintainer", "admin"] as const) {
    keys[role] = await createKey(server, teamA, role);
  }
  keys.other = await createKey(server, await createTeam(server), "admin");
  keys.platform = server.adminKey;
  keys.none = undefined;
  keys.bogus = "sy_thisKeyDoesNotExistAnywhere0000000000000000";
  project = fresh("matrix");
  await server.fetch("/v1/projects", jsonRequest(server.adminKey, "POST", { name: project, team: teamA }));
  await postConfig(server.adminKey, project, "initial");
  // A deployed, healthy stage: routes on it get past authorization to an answer of their own.
  const deployed = await server.fetch(
    `/v1/projects/${project}/stages/dev/deployments`,
    jsonRequest(server.adminKey, "POST"),
  );
  expect((await settled(server, server.adminKey, (await bodyOf(deployed)).id)).status).toBe("SUCCEEDED");
});
afterAll(() => server.close());

function postConfig(key: string, name: string, bus: string) {
  return server.fetch(`/v1/projects/${name}/configs`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/yaml" },
    body: `resources:\n  ${bus}:\n    type: event-bus\n`,
  });
}

async function freshProject(): Promise<string> {
  const name = fresh("del");
  await server.fetch("/v1/projects", jsonRequest(server.adminKey, "POST", { name, team: teamA }));
  return name;
}

async function freshKeyId(): Promise<string> {
  const res = await server.fetch(
    `/v1/teams/${teamA}/api-keys`,
    jsonRequest(server.adminKey, "POST", { name: "victim", role: "viewer" }),
  );
  return (await bodyOf(res)).keyId;
}

/** A share of team A's bus with a fresh team, for a revoke to end. */
async function freshShareId(): Promise<string> {
  const res = await server.fetch(
    `/v1/teams/${teamA}/shares`,
    jsonRequest(server.adminKey, "POST", {
      project,
      stage: "dev",
      bus: "initial",
      sharedWith: await createTeam(server),
      access: ["subscribe"],
    }),
  );
  expect(res.status).toBe(201);
  return (await bodyOf(res)).id;
}

interface RouteCase {
  route: string;
  request: () => Promise<{ path: string; method: string; body?: unknown; yaml?: string }>;
  /** Expected status for the team-A roles, the other team's admin and the platform admin. */
  expect: Partial<Record<Who, number>>;
}

const all = (status: number) => ({ viewer: status, deployer: status, maintainer: status, admin: status });
const minRole = (ok: number, role: "viewer" | "deployer" | "maintainer" | "admin") => {
  const order = ["viewer", "deployer", "maintainer", "admin"] as const;
  return Object.fromEntries(order.map((r) => [r, order.indexOf(r) >= order.indexOf(role) ? ok : 403]));
};

const CASES: RouteCase[] = [
  {
    route: "GET /v1/whoami",
    request: async () => ({ method: "GET", path: "/v1/whoami" }),
    expect: { ...all(200), other: 200, platform: 200 },
  },
  {
    route: "POST /v1/teams",
    request: async () => ({ method: "POST", path: "/v1/teams", body: { name: fresh("t") } }),
    expect: { ...all(403), other: 403, platform: 201 },
  },
  {
    route: "GET /v1/teams",
    request: async () => ({ method: "GET", path: "/v1/teams" }),
    expect: { ...all(200), other: 200, platform: 200 },
  },
  {
    route: "GET /v1/teams/{team}",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "POST /v1/teams/{team}/api-keys",
    request: async () => ({
      method: "POST",
      path: `/v1/teams/${teamA}/api-keys`,
      body: { name: "k", role: "viewer" },
    }),
    expect: { ...minRole(201, "admin"), other: 404, platform: 201 },
  },
  {
    route: "GET /v1/teams/{team}/api-keys",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}/api-keys` }),
    expect: { ...minRole(200, "admin"), other: 404, platform: 200 },
  },
  {
    route: "DELETE /v1/teams/{team}/api-keys/{keyId}",
    request: async () => ({ method: "DELETE", path: `/v1/teams/${teamA}/api-keys/${await freshKeyId()}` }),
    expect: { ...minRole(204, "admin"), other: 404, platform: 204 },
  },
  {
    route: "POST /v1/projects",
    request: async () => ({
      method: "POST",
      path: "/v1/projects",
      body: { name: fresh("new"), team: teamA },
    }),
    expect: { ...minRole(201, "maintainer"), other: 422, platform: 201 },
  },
  {
    route: "GET /v1/projects?team=",
    request: async () => ({ method: "GET", path: `/v1/projects?team=${teamA}` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "GET /v1/projects/{project}",
    request: async () => ({ method: "GET", path: `/v1/projects/${project}` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "DELETE /v1/projects/{project}",
    request: async () => ({ method: "DELETE", path: `/v1/projects/${await freshProject()}` }),
    expect: { ...minRole(204, "admin"), other: 404, platform: 204 },
  },
  {
    route: "POST /v1/projects/{project}/configs",
    request: async () => ({
      method: "POST",
      path: `/v1/projects/${project}/configs`,
      yaml: fresh("bus").replace(/-/g, ""),
    }),
    expect: { ...minRole(201, "maintainer"), other: 404, platform: 201 },
  },
  {
    route: "GET /v1/projects/{project}/configs",
    request: async () => ({ method: "GET", path: `/v1/projects/${project}/configs` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "GET /v1/projects/{project}/configs/latest",
    request: async () => ({ method: "GET", path: `/v1/projects/${project}/configs/latest` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "GET /v1/projects/{project}/configs/{version}",
    request: async () => ({ method: "GET", path: `/v1/projects/${project}/configs/1` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    // Maintainers and above get past authorization to 409 nothing-to-continue (the stack is healthy).
    route: "POST /v1/projects/{project}/stages/{stage}/continue-rollback",
    request: async () => ({ method: "POST", path: `/v1/projects/${project}/stages/dev/continue-rollback` }),
    expect: { ...minRole(409, "maintainer"), other: 404, platform: 409 },
  },
  {
    route: "GET /v1/teams/{team}/allowed-resources",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}/allowed-resources` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "PUT /v1/teams/{team}/allowed-resources",
    request: async () => ({
      method: "PUT",
      path: `/v1/teams/${teamA}/allowed-resources`,
      body: { arns: [] },
    }),
    expect: { ...all(403), other: 403, platform: 200 },
  },
  {
    route: "GET /v1/teams/{team}/domains",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}/domains` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    // No domain is registered to team A here: members get past authorization to 404.
    route: "GET /v1/teams/{team}/domains/{domain}",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}/domains/nothing.example.com` }),
    expect: { ...all(404), other: 404, platform: 404 },
  },
  {
    route: "PUT /v1/teams/{team}/domains/{domain}",
    request: async () => ({
      method: "PUT",
      path: `/v1/teams/${teamA}/domains/${fresh("d")}.example.org`,
      body: { hostedZoneId: "Z0123456789MATRIX" },
    }),
    expect: { ...all(403), other: 403, platform: 201 },
  },
  {
    route: "DELETE /v1/teams/{team}/domains/{domain}",
    request: async () => {
      const domain = `${fresh("d")}.example.org`;
      await server.fetch(
        `/v1/teams/${teamA}/domains/${domain}`,
        jsonRequest(server.adminKey, "PUT", { hostedZoneId: "Z0123456789MATRIX" }),
      );
      return { method: "DELETE", path: `/v1/teams/${teamA}/domains/${domain}` };
    },
    expect: { ...all(403), other: 403, platform: 204 },
  },
  {
    route: "GET /v1/teams/{team}/global-alarms",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}/global-alarms` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "PUT /v1/teams/{team}/global-alarms",
    request: async () => ({ method: "PUT", path: `/v1/teams/${teamA}/global-alarms`, body: { alarms: [] } }),
    expect: { ...minRole(200, "maintainer"), other: 404, platform: 200 },
  },
  {
    route: "GET /v1/teams/{team}/audit",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}/audit` }),
    expect: { ...minRole(200, "maintainer"), other: 404, platform: 200 },
  },
  {
    route: "POST /v1/teams/{team}/shares",
    request: async () => ({
      method: "POST",
      path: `/v1/teams/${teamA}/shares`,
      body: {
        project,
        stage: "dev",
        bus: "initial",
        sharedWith: await createTeam(server),
        access: ["subscribe"],
      },
    }),
    expect: { ...minRole(201, "maintainer"), other: 404, platform: 201 },
  },
  {
    route: "GET /v1/teams/{team}/shares/given",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}/shares/given` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "GET /v1/teams/{team}/shares/held",
    request: async () => ({ method: "GET", path: `/v1/teams/${teamA}/shares/held` }),
    expect: { ...all(200), other: 404, platform: 200 },
  },
  {
    route: "DELETE /v1/teams/{team}/shares/{id}",
    request: async () => ({ method: "DELETE", path: `/v1/teams/${teamA}/shares/${await freshShareId()}` }),
    expect: { ...minRole(200, "maintainer"), other: 404, platform: 200 },
  },
  {
    // Team A holds no share: maintainers and above get past authorization to 404 for the id.
    route: "DELETE /v1/teams/{team}/shares/held/{id}",
    request: async () => ({
      method: "DELETE",
      path: `/v1/teams/${teamA}/shares/held/01JD5Z3M9X2Q8R7T6Y5W4V3Q2S`,
    }),
    expect: { ...minRole(404, "maintainer"), other: 404, platform: 404 },
  },
  {
    route: "GET /v1/settings/network",
    request: async () => ({ method: "GET", path: "/v1/settings/network" }),
    expect: { ...all(403), other: 403, platform: 200 },
  },
  {
    route: "PUT /v1/settings/network",
    request: async () => ({ method: "PUT", path: "/v1/settings/network", body: { regions: {} } }),
    expect: { ...all(403), other: 403, platform: 200 },
  },
];

async function send(who: Who, c: RouteCase): Promise<Response> {
  const req = await c.request();
  const headers: Record<string, string> = {};
  const key = keys[who];
  if (key) headers.authorization = `Bearer ${key}`;
  if (req.yaml) {
    headers["content-type"] = "application/yaml";
    return server.fetch(req.path, {
      method: req.method,
      headers,
      body: `resources:\n  ${req.yaml}:\n    type: event-bus\n`,
    });
  }
  if (req.body !== undefined) headers["content-type"] = "application/json";
  return server.fetch(req.path, {
    method: req.method,
    headers,
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
  });
}

const rows = CASES.flatMap((c) =>
  WHO.map((who) => ({
    route: c.route,
    who,
    c,
    status: who === "none" || who === "bogus" ? 401 : expected(c, who),
  })),
);

/** A case that forgets a caller fails loudly here rather than testing nothing. */
function expected(c: RouteCase, who: Who): number {
  const status = c.expect[who];
  if (status === undefined) throw new Error(`${c.route}: no expected status for ${who}`);
  return status;
}

describe("authorization matrix", () => {
  it.each(rows)("$route as $who → $status", async ({ c, who, status }) => {
    const res = await send(who, c);
    expect(res.status).toBe(status);
    if (status >= 400) expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("has a row for every team route, and another team's admin gets 404 wherever a member may go", () => {
    const teamRoutes = ROUTE_MANIFEST.filter((r) => r.path.includes("/:team"));
    expect(teamRoutes.length).toBeGreaterThanOrEqual(12);
    for (const r of teamRoutes) {
      const route = `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, "{$1}")}`;
      const row = CASES.find((c) => c.route === route);
      expect(row, `${route} has no row in the matrix`).toBeDefined();
      // Platform-admin routes answer every team key the same 403, whichever team the path names.
      expect(row!.expect.other, route).toBe(r.access.scope === "platform-admin" ? 403 : 404);
    }
  });

  it("answers another team's project exactly like a project that does not exist", async () => {
    const strip = ({ instance: _i, requestId: _r, detail: _d, ...rest }: Record<string, unknown>) => rest;
    const theirs = await server.fetch(`/v1/projects/${project}`, {
      headers: { authorization: `Bearer ${keys.other}` },
    });
    const missing = await server.fetch("/v1/projects/no-such-project", {
      headers: { authorization: `Bearer ${keys.other}` },
    });
    expect(theirs.status).toBe(404);
    expect(strip(await bodyOf(theirs))).toEqual(strip(await bodyOf(missing)));
  });
});
