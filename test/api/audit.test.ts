import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { settled } from "./deployments-support.js";

/**
 * The audit record over HTTP: each change of state a team makes through the API is in its record,
 * with who did it, when, the request id its response carried, and what it was about; filtered by
 * project and action; the platform's record has every team's and its own. Never a secret.
 */
let server: TestServer;
let team: string;
let admin: string;
let maintainer: string;
let viewer: string;
let otherTeamAdmin: string;
const project = `audited-${Date.now().toString(36)}`;
const otherProject = `${project}-b`;
/** What each step answered: its request id, and what it was about. */
const steps: { action: string; requestId: string; target?: Record<string, string> }[] = [];
const secrets: string[] = [];

const YAML = "resources:\n  orders:\n    type: event-bus\n";

async function step(action: string, res: Response, expected: number, target?: Record<string, string>) {
  const text = await res.clone().text();
  expect(res.status, `${action}: ${text}`).toBe(expected);
  steps.push({ action, requestId: res.headers.get("x-request-id")!, ...(target ? { target } : {}) });
  return text ? JSON.parse(text) : undefined;
}

const postYaml = (key: string, name: string) =>
  server.fetch(`/v1/projects/${name}/configs`, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/yaml" },
    body: YAML,
  });

beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  admin = await createKey(server, team, "admin");
  otherTeamAdmin = await createKey(server, await createTeam(server), "admin");

  const issued = await step(
    "api-key.create",
    await server.fetch(
      `/v1/teams/${team}/api-keys`,
      jsonRequest(admin, "POST", { name: "ci", role: "maintainer" }),
    ),
    201,
  );
  maintainer = issued.secret;
  secrets.push(issued.secret);
  viewer = await createKey(server, team, "viewer");
  await step(
    "project.create",
    await server.fetch("/v1/projects", jsonRequest(maintainer, "POST", { name: project })),
    201,
  );
  await step("config.create", await postYaml(maintainer, project), 201, { kind: "config-version", id: "1" });
  const deployed = await step(
    "deployment.deploy",
    await server.fetch(`/v1/projects/${project}/stages/dev/deployments`, jsonRequest(maintainer, "POST")),
    202,
  );
  expect((await settled(server, maintainer, deployed.id)).status).toBe("SUCCEEDED");
  const rolledBack = await server.fetch(
    `/v1/projects/${project}/stages/dev/rollback`,
    jsonRequest(maintainer, "POST"),
  );
  // Nothing earlier to roll back to: refused, and a refusal changes nothing, so it is not recorded.
  expect(rolledBack.status).toBeGreaterThanOrEqual(400);
  const torn = await step(
    "deployment.teardown",
    await server.fetch(`/v1/projects/${project}/stages/dev`, jsonRequest(maintainer, "DELETE")),
    202,
  );
  expect((await settled(server, maintainer, torn.id)).status).toBe("SUCCEEDED");
  await step(
    "project.create",
    await server.fetch("/v1/projects", jsonRequest(maintainer, "POST", { name: otherProject })),
    201,
  );
  await step("config.create", await postYaml(maintainer, otherProject), 201);
  await step(
    "api-key.revoke",
    await server.fetch(`/v1/teams/${team}/api-keys/${issued.keyId}`, jsonRequest(admin, "DELETE")),
    204,
  );
});
afterAll(() => server.close());

const audit = async (query = "", key = admin) =>
  server.fetch(`/v1/teams/${team}/audit${query}`, { headers: bearer(key) });

describe("a team's audit record", () => {
  it("has every change of state, newest first, with who, when, what and the request id", async () => {
    const res = await audit("?limit=100");
    expect(res.status).toBe(200);
    const { items } = await bodyOf(res);
    const ours = items.filter((e: { requestId: string }) => steps.some((s) => s.requestId === e.requestId));
    expect(ours.map((e: { action: string }) => e.action)).toEqual(steps.map((s) => s.action).reverse());
    for (const entry of ours) {
      const s = steps.find((x) => x.requestId === entry.requestId)!;
      expect(entry).toMatchObject({ team, action: s.action, at: expect.any(String) });
      if (s.target) expect(entry.target).toMatchObject(s.target);
    }
    const deploy = ours.find((e: { action: string }) => e.action === "deployment.deploy");
    expect(deploy).toMatchObject({
      project,
      target: { kind: "deployment", stage: "dev" },
      details: { configVersion: 1 },
      actor: { name: "ci", team, platformAdmin: false },
    });
    const revoke = ours.find((e: { action: string }) => e.action === "api-key.revoke");
    expect(revoke.actor).toMatchObject({ name: "admin key" });
    // Never a secret, nor the config itself.
    const text = JSON.stringify(items);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain("event-bus");
  });

  it("is narrowed by project and by action, each paged on its own", async () => {
    const byProject = await bodyOf(await audit(`?project=${project}`));
    expect(byProject.items.map((e: { action: string }) => e.action)).toEqual([
      "deployment.teardown",
      "deployment.deploy",
      "config.create",
      "project.create",
    ]);
    const configs = await bodyOf(await audit("?action=config.create&limit=1"));
    expect(configs.items).toHaveLength(1);
    expect(configs.items[0].project).toBe(otherProject);
    const next = await bodyOf(await audit(`?action=config.create&limit=1&cursor=${configs.nextCursor}`));
    expect(next.items.map((e: { project: string }) => e.project)).toEqual([project]);
    const both = await bodyOf(await audit(`?project=${otherProject}&action=config.create`));
    expect(both.items.map((e: { project: string }) => e.project)).toEqual([otherProject]);
    // A cursor is only good for the list it came from.
    expect((await audit(`?project=${project}&cursor=${configs.nextCursor}`)).status).toBe(400);
    expect((await audit("?action=not%20an%20action")).status).toBe(400);
  });

  it("is read by the team's maintainers and admins and platform admins; not by viewers or other teams", async () => {
    expect((await audit("", server.adminKey)).status).toBe(200);
    expect((await audit("", viewer)).status).toBe(403);
    const other = await audit("", otherTeamAdmin);
    expect(other.headers.get("content-type")).toContain("application/problem+json");
    // The same answer as for a team that does not exist: nothing tells the two apart.
    const none = await server.fetch("/v1/teams/no-such-team/audit", { headers: bearer(otherTeamAdmin) });
    expect([other.status, none.status]).toEqual([404, 404]);
    const { requestId: _a, ...otherBody } = await bodyOf(other);
    const { requestId: _b, ...noneBody } = await bodyOf(none);
    expect(JSON.stringify(otherBody).replaceAll(team, "<team>")).toBe(
      JSON.stringify(noneBody).replaceAll("no-such-team", "<team>"),
    );
  });
});

describe("the platform's audit record", () => {
  it("has every team's entries once, and changes to the platform itself; platform admins only", async () => {
    const put = await server.fetch(
      "/v1/settings/network",
      jsonRequest(server.adminKey, "PUT", {
        regions: {
          "eu-west-1": {
            vpcId: "vpc-0123456789abcdef0",
            subnetIds: ["subnet-0123456789abcdef0"],
            securityGroupIds: ["sg-0123456789abcdef0"],
          },
        },
      }),
    );
    expect(put.status, await put.clone().text()).toBe(200);
    const requestId = put.headers.get("x-request-id");
    const all = await bodyOf(await server.fetch("/v1/audit?limit=100", { headers: bearer(server.adminKey) }));
    expect(all.items[0]).toMatchObject({ action: "network-settings.update", teams: [], requestId });
    const teamEntries = all.items.filter((e: { teams: string[] }) => e.teams.includes(team));
    expect(teamEntries.filter((e: { action: string }) => e.action === "team.create")).toHaveLength(1);
    expect(teamEntries.filter((e: { action: string }) => e.action === "deployment.deploy")).toHaveLength(1);
    const deploys = await bodyOf(
      await server.fetch("/v1/audit?action=deployment.deploy", { headers: bearer(server.adminKey) }),
    );
    expect(deploys.items.every((e: { action: string }) => e.action === "deployment.deploy")).toBe(true);
    expect((await server.fetch("/v1/audit", { headers: bearer(admin) })).status).toBe(403);
  });
});
