import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectKey } from "../../api/store/projects.js";
import { bearer, createKey, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let team: string;
let maintainer: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ team, key: maintainer } = await createTeamWithKey(server, "maintainer"));
});
afterAll(() => server.close());

let seq = 0;
const uniqueName = (prefix = "proj") => `${prefix}-${Date.now().toString(36)}-${seq++}`;

async function createProject(key: string, body: Record<string, unknown>) {
  return server.fetch("/v1/projects", jsonRequest(key, "POST", body));
}

describe("projects", () => {
  it("creates a project in the key's team and reads it back with an ETag", async () => {
    const name = uniqueName();
    const res = await createProject(maintainer, { name });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/v1/projects/${name}`);
    expect(await bodyOf(res)).toMatchObject({ name, team, createdBy: expect.stringMatching(/^key_/) });

    const got = await server.fetch(`/v1/projects/${name}`, { headers: bearer(maintainer) });
    expect(got.status).toBe(200);
    const etag = got.headers.get("etag");
    expect(etag).toMatch(/^".+"$/);
    expect(await bodyOf(got)).toMatchObject({ name, team });

    const again = await server.fetch(`/v1/projects/${name}`, {
      headers: { ...bearer(maintainer), "if-none-match": etag! },
    });
    expect(again.status).toBe(304);
  });

  it.each([["UPPER"], ["has_underscore"], ["spa ce"], [""], ["a".repeat(41)]])(
    "rejects the name %j with 400 naming the field",
    async (name) => {
      const res = await createProject(maintainer, { name });
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).errors[0].path).toBe("json.name");
    },
  );

  it("keeps names unique within a team (409), and another team's project of the same name apart", async () => {
    const name = uniqueName();
    expect((await createProject(maintainer, { name })).status).toBe(201);
    const again = await createProject(maintainer, { name });
    expect(again.status).toBe(409);
    expect((await bodyOf(again)).type).toMatch(/\/conflict$/);
    // Another team's project of that name is its own (test/security/project-names.test.ts has more).
    const other = await createTeamWithKey(server, "maintainer");
    expect((await createProject(other.key, { name })).status).toBe(201);
    expect(
      (await bodyOf(await server.fetch(`/v1/projects/${name}`, { headers: bearer(maintainer) }))).team,
    ).toBe(team);
  });

  it("lets a platform admin create a project for a team, and refuses an unknown team", async () => {
    const name = uniqueName();
    const res = await createProject(server.adminKey, { name, team });
    expect(res.status).toBe(201);
    expect((await bodyOf(res)).team).toBe(team);
    expect((await createProject(server.adminKey, { name: uniqueName() })).status).toBe(400);
    const unknown = await createProject(server.adminKey, { name: uniqueName(), team: "no-such-team" });
    expect(unknown.status).toBe(422);
    // A team key naming another team gets just that: the other team is not there for it.
    const { key } = await createTeamWithKey(server, "admin");
    const { requestId: _a, ...missing } = await bodyOf(unknown);
    const { requestId: _b, ...theirs } = await bodyOf(await createProject(key, { name: uniqueName(), team }));
    expect(JSON.stringify(theirs).replaceAll(team, "<team>")).toBe(
      JSON.stringify(missing).replaceAll("no-such-team", "<team>"),
    );
    const listed = await server.fetch("/v1/projects?team=no-such-team", { headers: bearer(server.adminKey) });
    expect(listed.status).toBe(404);
  });

  it("lists a team's projects in pages whose cursors stay inside the team", async () => {
    const { team: t, key } = await createTeamWithKey(server, "maintainer");
    const names = Array.from({ length: 5 }, (_, i) => `${t}-p${i}`);
    for (const name of names) expect((await createProject(key, { name })).status).toBe(201);
    const other = await createTeamWithKey(server, "maintainer");
    await createProject(other.key, { name: `${other.team}-secret` });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await server.fetch(`/v1/projects?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        headers: bearer(key),
      });
      expect(res.status).toBe(200);
      const page = await bodyOf(res);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p: { name: string }) => p.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(names);

    // Another team's cursor, or a hand-made one, does not open this team's list.
    const foreign = await bodyOf(await server.fetch("/v1/projects?limit=1", { headers: bearer(other.key) }));
    const forged = Buffer.from(JSON.stringify({ s: `TEAM#${other.team}#PROJECTS`, l: "" })).toString(
      "base64url",
    );
    for (const bad of [foreign.nextCursor ?? forged, forged, "not-a-cursor"]) {
      const res = await server.fetch(`/v1/projects?limit=2&cursor=${bad}`, { headers: bearer(key) });
      expect(res.status).toBe(400);
    }
    // Another team's list is not there for this key, as for a team that does not exist.
    const denied = await server.fetch(`/v1/projects?team=${other.team}`, { headers: bearer(key) });
    expect(denied.status).toBe(404);
    expect((await bodyOf(denied)).detail).toBe(`Team ${other.team} does not exist.`);
  });

  it("searches a team's projects by name prefix, in full pages, never another team's", async () => {
    const { team: t, key } = await createTeamWithKey(server, "maintainer");
    const names = [`${t}-orders-a`, `${t}-billing`, `${t}-orders-b`, `${t}-orders-c`, `${t}-ordersx`];
    for (const name of names) expect((await createProject(key, { name })).status).toBe(201);
    const other = await createTeamWithKey(server, "maintainer");
    await createProject(other.key, { name: `${t}-orders-theirs` });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const query = `prefix=${t}-orders-&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await bodyOf(await server.fetch(`/v1/projects?${query}`, { headers: bearer(key) }));
      if (page.nextCursor) expect(page.items).toHaveLength(2);
      seen.push(...page.items.map((p: { name: string }) => p.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([`${t}-orders-a`, `${t}-orders-b`, `${t}-orders-c`]);

    const bad = await server.fetch("/v1/projects?prefix=Not%20A%20Name", { headers: bearer(key) });
    expect(bad.status).toBe(400);
  });

  it("deletes a project with its configs (admin), and refuses while a stage is deployed", async () => {
    const admin = await createKey(server, team, "admin");
    const name = uniqueName();
    expect((await createProject(admin, { name })).status).toBe(201);

    // A deployed stage, as the deployments module records it under the project's partition.
    const { doc, name: TableName } = server.deps.table;
    await doc.send(
      new PutCommand({
        TableName,
        Item: { PK: `PROJECT#${projectKey(team, name)}`, SK: "STAGE#prod", type: "stage", deployed: true },
      }),
    );
    const refused = await server.fetch(`/v1/projects/${name}`, jsonRequest(admin, "DELETE"));
    expect(refused.status).toBe(409);
    expect((await bodyOf(refused)).stages).toEqual(["prod"]);

    await doc.send(
      new PutCommand({
        TableName,
        Item: { PK: `PROJECT#${projectKey(team, name)}`, SK: "STAGE#prod", type: "stage", deployed: false },
      }),
    );
    expect((await server.fetch(`/v1/projects/${name}`, jsonRequest(admin, "DELETE"))).status).toBe(204);
    expect((await server.fetch(`/v1/projects/${name}`, { headers: bearer(admin) })).status).toBe(404);
    // The name is free again.
    expect((await createProject(admin, { name })).status).toBe(201);
  });

  it("never lets a new project inherit leftovers of a deleted one, nor a failed create touch a live one", async () => {
    const name = uniqueName();
    // What a config post racing the old project's deletion could leave behind.
    const { doc, name: TableName } = server.deps.table;
    await doc.send(
      new PutCommand({
        TableName,
        Item: {
          PK: `PROJECT#${projectKey(team, name)}`,
          SK: "CONFIG#0000000001",
          type: "config",
          project: projectKey(team, name),
          version: 1,
        },
      }),
    );
    expect((await createProject(maintainer, { name })).status).toBe(201);
    expect(
      (await server.fetch(`/v1/projects/${name}/configs/latest`, { headers: bearer(maintainer) })).status,
    ).toBe(404);

    const posted = await server.fetch(`/v1/projects/${name}/configs`, {
      method: "POST",
      headers: { ...bearer(maintainer), "content-type": "application/yaml" },
      body: "resources:\n  bus:\n    type: event-bus\n",
    });
    expect((await bodyOf(posted)).version).toBe(1);
    expect((await createProject(maintainer, { name })).status).toBe(409);
    expect(
      (await server.fetch(`/v1/projects/${name}/configs/1`, { headers: bearer(maintainer) })).status,
    ).toBe(200);
  });

  it("replays a create with the same Idempotency-Key and refuses another body with it", async () => {
    const name = uniqueName();
    const init = (body: unknown) => {
      const req = jsonRequest(maintainer, "POST", body);
      return {
        ...req,
        headers: { ...(req.headers as Record<string, string>), "idempotency-key": `k-${name}` },
      };
    };
    const first = await server.fetch("/v1/projects", init({ name }));
    expect(first.status).toBe(201);
    const firstBody = await bodyOf(first);
    const replay = await server.fetch("/v1/projects", init({ name }));
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await bodyOf(replay)).toEqual(firstBody);
    const other = await server.fetch("/v1/projects", init({ name: `${name}-x` }));
    expect(other.status).toBe(422);
    expect((await bodyOf(other)).type).toMatch(/\/idempotency-key-reused$/);
  });
});
