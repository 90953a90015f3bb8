import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let team: string;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ team, key: admin } = await createTeamWithKey(server, "admin"));
});
afterAll(() => server.close());

const issue = (body: unknown, headers: Record<string, string> = {}) => {
  const init = jsonRequest(admin, "POST", body);
  return server.fetch(`/v1/teams/${team}/api-keys`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...headers },
  });
};

describe("API keys", () => {
  it("issues a key with its secret once; lists show neither secret nor hash", async () => {
    const res = await issue({ name: "ci", role: "deployer" });
    expect(res.status).toBe(201);
    const created = await bodyOf(res);
    expect(created).toMatchObject({
      name: "ci",
      role: "deployer",
      team,
      keyId: expect.stringMatching(/^key_/),
    });
    expect(created.secret).toMatch(/^sy_/);

    const who = await bodyOf(await server.fetch("/v1/whoami", { headers: bearer(created.secret) }));
    expect(who).toMatchObject({ keyId: created.keyId, role: "deployer", team });

    const list = await server.fetch(`/v1/teams/${team}/api-keys`, { headers: bearer(admin) });
    const text = await list.text();
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain('"hash"');
    expect(text).not.toContain('"secret"');
    const { items } = JSON.parse(text);
    expect(items.find((k: { keyId: string }) => k.keyId === created.keyId)).toMatchObject({ name: "ci" });
  });

  it("pages through a team's keys and shows revoked ones as revoked", async () => {
    const { team: t, key } = await createTeamWithKey(server, "admin");
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await server.fetch(
        `/v1/teams/${t}/api-keys`,
        jsonRequest(key, "POST", { name: `k${i}`, role: "viewer" }),
      );
      ids.push((await bodyOf(res)).keyId);
    }
    await server.fetch(`/v1/teams/${t}/api-keys/${ids[0]}`, jsonRequest(key, "DELETE"));
    const seen: { keyId: string; revokedAt?: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await bodyOf(
        await server.fetch(`/v1/teams/${t}/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
          headers: bearer(key),
        }),
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(seen.find((k) => k.keyId === ids[0])?.revokedAt).toBeTruthy();
    expect(seen.filter((k) => k.revokedAt)).toHaveLength(1);
  });

  it("rejects unknown roles and unknown keys", async () => {
    const bad = await issue({ name: "x", role: "owner" });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).errors[0].path).toBe("json.role");
    expect(
      (await server.fetch(`/v1/teams/${team}/api-keys/key_nope`, jsonRequest(admin, "DELETE"))).status,
    ).toBe(404);
    const noTeam = await server.fetch(
      "/v1/teams/no-such-team/api-keys",
      jsonRequest(server.adminKey, "POST", { name: "x", role: "viewer" }),
    );
    expect(noTeam.status).toBe(404);
  });

  it("replays an idempotent key creation with the same secret, without storing the secret", async () => {
    const idem = { "idempotency-key": "issue-once" };
    const first = await bodyOf(await issue({ name: "once", role: "viewer" }, idem));
    const replay = await issue({ name: "once", role: "viewer" }, idem);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await bodyOf(replay)).toEqual(first);

    const { doc, name } = server.deps.table;
    const dump = JSON.stringify((await doc.send(new ScanCommand({ TableName: name }))).Items);
    expect(dump).toContain("IDEMPOTENCY#");
    expect(dump).not.toContain(first.secret);
    expect(dump).not.toContain(first.secret.slice(3));
  });
});
