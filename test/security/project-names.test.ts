/**
 * #15 §7: a project name another team uses tells the caller nothing. Names are unique per team, so
 * a hostile team that tries every name learns nothing from POST /v1/projects, and its project of
 * the same name is its own: a different stack, a different store partition, invisible to the owner.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let a: { team: string; key: string };
let b: { team: string; key: string };
beforeAll(async () => {
  server = await startTestServer();
  a = await createTeamWithKey(server, "maintainer");
  b = await createTeamWithKey(server, "maintainer");
});
afterAll(() => server.close());

const create = (key: string, name: string) =>
  server.fetch("/v1/projects", jsonRequest(key, "POST", { name }));
const get = async (key: string, path: string) => {
  const res = await server.fetch(path, { headers: bearer(key) });
  return { status: res.status, body: await bodyOf(res) };
};
const postConfig = (key: string, project: string, bus: string) =>
  server.fetch(`/v1/projects/${project}/configs`, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/yaml" },
    body: `resources:\n  ${bus}:\n    type: event-bus\n`,
  });

describe("a project name another team uses", () => {
  it("is created for the second team as its own project, and the answer is the same as for a new name", async () => {
    expect((await create(a.key, "orders")).status).toBe(201);
    expect((await postConfig(a.key, "orders", "secretBus")).status).toBe(201);

    const taken = await create(b.key, "orders");
    const fresh = await create(b.key, "never-used-anywhere");
    expect(taken.status).toBe(201);
    expect(fresh.status).toBe(201);
    const [takenBody, freshBody] = [await bodyOf(taken), await bodyOf(fresh)];
    // Same shape, own team, no version: nothing of A's project shows through.
    expect(Object.keys(takenBody).sort()).toEqual(Object.keys(freshBody).sort());
    expect(takenBody).toMatchObject({ name: "orders", team: b.team });
    expect(takenBody.latestVersion).toBeUndefined();
    expect(JSON.stringify(takenBody)).not.toContain(a.team);
  });

  it("keeps each team's project, configs and stages apart under the same name", async () => {
    expect((await get(b.key, "/v1/projects/orders/configs/latest")).status).toBe(404);
    expect((await postConfig(b.key, "orders", "ownBus")).status).toBe(201);

    const ofA = await get(a.key, "/v1/projects/orders/configs/latest");
    const ofB = await get(b.key, "/v1/projects/orders/configs/latest");
    expect(ofA.body.config.resources).toHaveProperty("secretBus");
    expect(ofB.body.config.resources).toHaveProperty("ownBus");
    expect(ofB.body.config.resources).not.toHaveProperty("secretBus");
    expect(ofA.body.project).toBe("orders");
  });

  it("cannot be reached across teams by naming the team, and answers as a project that does not exist", async () => {
    const across = await get(b.key, `/v1/projects/${a.team}:orders`);
    const nowhere = await get(b.key, `/v1/projects/${a.team}:no-such-project`);
    expect(across.status).toBe(404);
    expect(nowhere.status).toBe(404);
    expect(across.body.type).toBe(nowhere.body.type);
    // Its own team by name works like the bare name.
    expect((await get(b.key, `/v1/projects/${b.team}:orders`)).body.team).toBe(b.team);
  });

  it("is refused within one team (409), naming only that team", async () => {
    const again = await create(b.key, "orders");
    expect(again.status).toBe(409);
    const problem = await bodyOf(again);
    expect(problem.detail).toContain(b.team);
    expect(problem.detail).not.toContain(a.team);
  });

  it("is named with its team by platform admins when two teams use it", async () => {
    const bare = await get(server.adminKey, "/v1/projects/orders");
    expect(bare.status).toBe(409);
    expect(bare.body.detail).toContain(`<team>:orders`);
    expect((await get(server.adminKey, `/v1/projects/${a.team}:orders`)).body.team).toBe(a.team);
    expect((await get(server.adminKey, `/v1/projects/${b.team}:orders`)).body.team).toBe(b.team);
    // A name only one team has needs no team.
    expect((await get(server.adminKey, "/v1/projects/never-used-anywhere")).body.team).toBe(b.team);
  });
});
