/**
 * Bus shares over HTTP (#15): team A's maintainers share a deployed bus with team B, both list it,
 * A revokes it; every grant and revoke is in both teams' audit records, and a third team C sees
 * none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { type DeployedStage, deploySeed } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let a: DeployedStage;
let aViewer: string;
let b: { team: string; key: string; viewer: string };
let c: { team: string; key: string };

beforeAll(async () => {
  server = await startTestServer();
  a = await deploySeed(server);
  expect(a.deployment.status).toBe("SUCCEEDED");
  aViewer = await createKey(server, a.team, "viewer");
  const holder = await createTeamWithKey(server, "admin");
  b = { ...holder, viewer: await createKey(server, holder.team, "viewer") };
  c = await createTeamWithKey(server, "admin");
});
afterAll(() => server.close());

const shares = (team: string, rest = "") => `/v1/teams/${team}/shares${rest}`;
const grantBody = (overrides: Record<string, unknown> = {}) => ({
  project: a.project,
  stage: "dev",
  bus: "myEventBus",
  sharedWith: b.team,
  access: ["subscribe"],
  ...overrides,
});
const call = async (key: string, method: string, path: string, body?: unknown) => {
  const res = await server.fetch(path, jsonRequest(key, method, body));
  return { status: res.status, body: await bodyOf(res) };
};

describe("bus shares", () => {
  let shareId: string;

  it("are granted by the owner's maintainers, for a deployed bus, to another existing team", async () => {
    const viewer = await call(aViewer, "POST", shares(a.team), grantBody());
    expect(viewer.status).toBe(403);
    const notDeployed = await call(a.key, "POST", shares(a.team), grantBody({ stage: "prod" }));
    expect(notDeployed.status, JSON.stringify(notDeployed.body)).toBe(404);
    const noBus = await call(a.key, "POST", shares(a.team), grantBody({ bus: "myHttpApi" }));
    expect(noBus.status).toBe(404);
    const noTeam = await call(a.key, "POST", shares(a.team), grantBody({ sharedWith: "no-such-team" }));
    expect(noTeam.status).toBe(404);
    const self = await call(a.key, "POST", shares(a.team), grantBody({ sharedWith: a.team }));
    expect(self.status).toBe(400);
    const badAccess = await call(a.key, "POST", shares(a.team), grantBody({ access: ["manage"] }));
    expect(badAccess.status).toBe(400);
    // Another team cannot share A's bus, nor pretend to be A: A is not there for it.
    expect((await call(c.key, "POST", shares(a.team), grantBody())).status).toBe(404);

    const granted = await call(a.key, "POST", shares(a.team), grantBody());
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(granted.body).toMatchObject({
      owner: a.team,
      project: a.project,
      stage: "dev",
      bus: "myEventBus",
      arn: a.stage.outputs.myEventBus.arn,
      ref: `${a.team}:${a.project}/dev/myEventBus`,
      sharedWith: b.team,
      access: ["subscribe"],
    });
    shareId = granted.body.id;

    const again = await call(a.key, "POST", shares(a.team), grantBody({ access: ["publish"] }));
    expect(again.status).toBe(409);
    expect(again.body.shareId).toBe(shareId);
  });

  it("are listed as given by the owner and as held by the holder, by any member", async () => {
    const given = await call(aViewer, "GET", shares(a.team, "/given"));
    expect(given.status).toBe(200);
    expect(given.body.items.map((s: { id: string }) => s.id)).toEqual([shareId]);
    const held = await call(b.viewer, "GET", shares(b.team, "/held"));
    expect(held.body.items).toEqual(given.body.items);
    expect((await call(b.viewer, "GET", shares(b.team, "/given"))).body.items).toEqual([]);
    expect((await call(server.adminKey, "GET", shares("no-such-team", "/held"))).status).toBe(404);
  });

  it("are nothing a third team can see or revoke", async () => {
    expect((await call(c.key, "GET", shares(c.team, "/held"))).body.items).toEqual([]);
    expect((await call(c.key, "GET", shares(c.team, "/given"))).body.items).toEqual([]);
    expect((await call(c.key, "GET", shares(a.team, "/given"))).status).toBe(404);
    expect((await call(c.key, "GET", shares(b.team, "/held"))).status).toBe(404);
    // Under its own team the share does not exist.
    expect((await call(c.key, "DELETE", shares(c.team, `/${shareId}`))).status).toBe(404);
    // Nor under the holder's: only the owner revokes.
    expect((await call(b.key, "DELETE", shares(b.team, `/${shareId}`))).status).toBe(404);
    // C's record has its own keys and team, and nothing of the share.
    const cAudit = (await call(c.key, "GET", `/v1/teams/${c.team}/audit?limit=100`)).body.items;
    expect(cAudit.filter((e: { action: string }) => e.action.startsWith("bus-share."))).toEqual([]);
  });

  it("are revoked by the owner's maintainers; a revoked share is gone from both lists", async () => {
    expect((await call(aViewer, "DELETE", shares(a.team, `/${shareId}`))).status).toBe(403);
    const revoked = await call(a.key, "DELETE", shares(a.team, `/${shareId}`));
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ share: { id: shareId }, stillUsedBy: [] });
    expect((await call(a.key, "DELETE", shares(a.team, `/${shareId}`))).status).toBe(404);
    expect((await call(aViewer, "GET", shares(a.team, "/given"))).body.items).toEqual([]);
    expect((await call(b.viewer, "GET", shares(b.team, "/held"))).body.items).toEqual([]);
    // Shared again, with both kinds of access: a new share.
    const regranted = await call(
      a.key,
      "POST",
      shares(a.team),
      grantBody({ access: ["publish", "subscribe"] }),
    );
    expect(regranted.status).toBe(201);
    expect(regranted.body.id).not.toBe(shareId);
    expect(regranted.body.access).toEqual(["publish", "subscribe"]);
  });

  it("are in both teams' audit records, each grant and revoke", async () => {
    for (const [team, key] of [
      [a.team, a.key],
      [b.team, b.key],
    ] as const) {
      const audit = await call(key, "GET", `/v1/teams/${team}/audit`);
      expect(audit.status).toBe(200);
      const entries = audit.body.items.filter((e: { action: string }) => e.action.startsWith("bus-share."));
      expect(entries.map((e: { action: string }) => e.action)).toEqual([
        "bus-share.grant",
        "bus-share.revoke",
        "bus-share.grant",
      ]);
      expect(entries[1]).toMatchObject({
        team,
        actor: { team: a.team, platformAdmin: false },
        target: {
          kind: "bus-share",
          id: shareId,
          bus: `${a.team}:${a.project}/dev/myEventBus`,
          sharedWith: b.team,
        },
        details: { access: ["subscribe"], stillUsedBy: [] },
      });
      expect(entries[1].requestId).toEqual(expect.any(String));
    }
  });

  it("can be given back by the holder's maintainers, which ends them as a revoke does", async () => {
    const [held] = (await call(b.viewer, "GET", shares(b.team, "/held"))).body.items;
    expect((await call(b.viewer, "DELETE", shares(b.team, `/held/${held.id}`))).status).toBe(403);
    expect((await call(c.key, "DELETE", shares(c.team, `/held/${held.id}`))).status).toBe(404);
    // The owner gave it; it does not hold it.
    expect((await call(a.key, "DELETE", shares(a.team, `/held/${held.id}`))).status).toBe(404);
    const given = await call(b.key, "DELETE", shares(b.team, `/held/${held.id}`));
    expect(given.status, JSON.stringify(given.body)).toBe(200);
    expect(given.body).toMatchObject({ share: { id: held.id, sharedWith: b.team }, stillUsedBy: [] });
    expect((await call(b.viewer, "GET", shares(b.team, "/held"))).body.items).toEqual([]);
    expect((await call(aViewer, "GET", shares(a.team, "/given"))).body.items).toEqual([]);
    for (const [team, key] of [
      [a.team, a.key],
      [b.team, b.key],
    ] as const) {
      const [latest] = (await call(key, "GET", `/v1/teams/${team}/audit`)).body.items;
      expect(latest).toMatchObject({
        action: "bus-share.give-back",
        actor: { team: b.team },
        target: { id: held.id, sharedWith: b.team },
      });
    }
  });
});
