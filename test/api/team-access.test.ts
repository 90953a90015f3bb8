/**
 * A team's allow-list (what its stacks may name outside its namespace, kept by platform admins) and
 * its audit record, over HTTP: who may read and change them, and what a deployment makes of them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, createTeam, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig, settled } from "./deployments-support.js";

let server: TestServer;
let team: string;
let keys: { viewer: string; maintainer: string; admin: string; other: string };
beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  keys = {
    viewer: await createKey(server, team, "viewer"),
    maintainer: await createKey(server, team, "maintainer"),
    admin: await createKey(server, team, "admin"),
    other: (await createTeamWithKey(server, "admin")).key,
  };
});
afterAll(() => server.close());

const path = () => `/v1/teams/${team}/allowed-resources`;
const DEFAULT_BUS = "arn:aws:events:us-east-1:000000000000:event-bus/default";

const put = (key: string, arns: string[], ifMatch?: string) =>
  server.fetch(path(), {
    ...jsonRequest(key, "PUT", { arns }),
    headers: {
      ...bearer(key),
      "content-type": "application/json",
      ...(ifMatch ? { "if-match": ifMatch } : {}),
    },
  });

describe("a team's allowed resources", () => {
  it("are empty until a platform admin sets them; members read them, nobody else", async () => {
    const res = await server.fetch(path(), { headers: bearer(keys.viewer) });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"allowed-0"');
    expect(await bodyOf(res)).toEqual({ team, arns: [] });
    expect((await server.fetch(path(), { headers: bearer(keys.other) })).status).toBe(404);
    expect(
      (await server.fetch("/v1/teams/no-such-team/allowed-resources", { headers: bearer(server.adminKey) }))
        .status,
    ).toBe(404);
  });

  it("are set by platform admins only, guarded by If-Match, and every pattern must be an ARN", async () => {
    expect((await put(keys.admin, [DEFAULT_BUS])).status).toBe(403);
    const bad = await put(server.adminKey, ["event-bus/default"]);
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).errors[0].path).toBe("json.arns.0");
    expect((await put(server.adminKey, [DEFAULT_BUS], '"allowed-7"')).status).toBe(412);
    const set = await put(server.adminKey, [DEFAULT_BUS], '"allowed-0"');
    expect(set.status).toBe(200);
    expect(set.headers.get("etag")).toBe('"allowed-1"');
    expect(await bodyOf(set)).toMatchObject({ team, arns: [DEFAULT_BUS], updatedBy: "admin-env" });
  });

  it("decide whether a stage may put rules on the account's default bus", async () => {
    await createProject(server, team, "inbox");
    await postConfig(
      server,
      keys.maintainer,
      "inbox",
      "resources:\n  inbox:\n    type: sqs-queue\n    properties:\n      events:\n        - type: event-bus\n          properties: { useDefaultBus: true, eventPattern: { source: [aws.s3] } }\n",
    );
    const deploy = () =>
      server.fetch("/v1/projects/inbox/stages/dev/deployments", jsonRequest(keys.maintainer, "POST", {}));
    const allowed = await deploy();
    expect(allowed.status).toBe(202);
    expect((await settled(server, keys.viewer, (await bodyOf(allowed)).id)).status).toBe("SUCCEEDED");
    const rules = await server.engine.listRules({});
    expect(rules.Rules?.map((r) => r.Name)).toContain(`${team}--inbox--dev-inbox-event-0`);

    expect((await put(server.adminKey, [])).status).toBe(200);
    const refused = await deploy();
    expect(refused.status).toBe(422);
    expect((await bodyOf(refused)).errors[0]).toMatchObject({
      path: "resources.inbox.properties.events.0.properties.useDefaultBus",
      line: 7,
      message: expect.stringContaining("default event bus"),
    });
  });

  it("are in the team's audit record, newest first, with who did it and through which request", async () => {
    const changed = await put(server.adminKey, [
      DEFAULT_BUS,
      "arn:aws:events:us-east-1:111122223333:event-bus/*",
    ]);
    const requestId = changed.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    const res = await server.fetch(`/v1/teams/${team}/audit?limit=2&action=allowed-resources.update`, {
      headers: bearer(keys.maintainer),
    });
    expect(res.status).toBe(200);
    const page = await bodyOf(res);
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({
      team,
      action: "allowed-resources.update",
      target: { kind: "allowed-resources", id: team },
      actor: { keyId: "admin-env", platformAdmin: true },
      requestId,
      details: { added: [DEFAULT_BUS, "arn:aws:events:us-east-1:111122223333:event-bus/*"], removed: [] },
    });
    expect(page.items[1].details).toEqual({ added: [], removed: [DEFAULT_BUS] });
    expect(Date.parse(page.items[0].at)).toBeGreaterThanOrEqual(Date.parse(page.items[1].at));
    const next = await bodyOf(
      await server.fetch(
        `/v1/teams/${team}/audit?limit=2&action=allowed-resources.update&cursor=${page.nextCursor}`,
        {
          headers: bearer(keys.admin),
        },
      ),
    );
    expect(next.items.map((e: { id: string }) => e.id)).not.toContain(page.items[0].id);
    expect(next.items).toHaveLength(1);

    expect((await server.fetch(`/v1/teams/${team}/audit`, { headers: bearer(keys.viewer) })).status).toBe(
      403,
    );
    expect((await server.fetch(`/v1/teams/${team}/audit`, { headers: bearer(keys.other) })).status).toBe(404);
  });
});
