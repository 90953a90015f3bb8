import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("teams", () => {
  it("are created by platform admins, with unique, well-formed names", async () => {
    const name = `t-${Date.now().toString(36)}`;
    const res = await server.fetch(
      "/v1/teams",
      jsonRequest(server.adminKey, "POST", { name, description: "Payments" }),
    );
    expect(res.status).toBe(201);
    expect(await bodyOf(res)).toMatchObject({ name, description: "Payments", createdBy: "admin-env" });
    expect((await server.fetch("/v1/teams", jsonRequest(server.adminKey, "POST", { name }))).status).toBe(
      409,
    );
    const bad = await server.fetch("/v1/teams", jsonRequest(server.adminKey, "POST", { name: "Not_Valid" }));
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).errors[0].path).toBe("json.name");
  });

  it("lists every team, paged, for platform admins and only its own team for a team key", async () => {
    const a = await createTeamWithKey(server, "viewer");
    const b = await createTeamWithKey(server, "viewer");

    const own = await bodyOf(await server.fetch("/v1/teams", { headers: bearer(a.key) }));
    expect(own.items.map((t: { name: string }) => t.name)).toEqual([a.team]);

    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bodyOf(
        await server.fetch(`/v1/teams?limit=1${cursor ? `&cursor=${cursor}` : ""}`, {
          headers: bearer(server.adminKey),
        }),
      );
      expect(page.items.length).toBeLessThanOrEqual(1);
      names.push(...page.items.map((t: { name: string }) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(expect.arrayContaining([a.team, b.team]));
    expect(names).toEqual([...names].sort());
  });

  it("shows a team to its members and platform admins only; to others it does not exist", async () => {
    const a = await createTeamWithKey(server, "viewer");
    const b = await createTeamWithKey(server, "admin");
    expect((await server.fetch(`/v1/teams/${a.team}`, { headers: bearer(a.key) })).status).toBe(200);
    expect((await server.fetch(`/v1/teams/${a.team}`, { headers: bearer(b.key) })).status).toBe(404);
    expect((await server.fetch("/v1/teams/no-such-team", { headers: bearer(server.adminKey) })).status).toBe(
      404,
    );
  });

  it("get a namespace: their name by default, one a platform admin chose, unique and fixed", async () => {
    const post = (body: Record<string, unknown>) =>
      server.fetch("/v1/teams", jsonRequest(server.adminKey, "POST", body));
    const plain = `ns-${Date.now().toString(36)}`;
    expect(await bodyOf(await post({ name: plain }))).toMatchObject({ name: plain, namespace: plain });

    const chosen = await post({ name: `${plain}-long-team-name-for-payments`, namespace: `${plain}-pay` });
    expect(await bodyOf(chosen)).toMatchObject({ namespace: `${plain}-pay` });
    // Another team cannot have it, not even as its name's default.
    const clash = await post({ name: `${plain}-pay` });
    expect(clash.status).toBe(409);
    expect((await bodyOf(clash)).detail).toContain("namespace");
    expect((await post({ name: `${plain}-pay`, namespace: `${plain}-pay2` })).status).toBe(201);

    // A name too long for a namespace gets its first words and a hash.
    const long = await bodyOf(await post({ name: `${plain}-a-very-long-team-name-indeed` }));
    expect(long.namespace).toMatch(/^ns-[a-z0-9-]+-[0-9a-f]{6}$/);
    expect(long.namespace.length).toBeLessThanOrEqual(20);

    const bad = await post({ name: `${plain}-x`, namespace: "has--double" });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).errors[0].path).toBe("json.namespace");
    // Shown to the team's members.
    const member = await createTeamWithKey(server, "viewer");
    expect(
      (await bodyOf(await server.fetch(`/v1/teams/${member.team}`, { headers: bearer(member.key) })))
        .namespace,
    ).toBe(member.team);
  });
});
