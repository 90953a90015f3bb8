import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../api/auth/secrets.js";
import { bearer, createKey, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const PROBLEM = "application/problem+json";

async function expect401(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toBe(PROBLEM);
  expect(res.headers.get("www-authenticate")).toBe("Bearer");
  expect((await bodyOf(res)).type).toMatch(/\/unauthenticated$/);
}

describe("authentication", () => {
  it("answers 401 without a key, on known and unknown /v1 paths", async () => {
    await expect401(await server.fetch("/v1/whoami"));
    await expect401(await server.fetch("/v1/projects"));
    await expect401(await server.fetch("/v1/nothing-here"));
  });

  it.each([
    ["a non-Bearer scheme", "Basic dXNlcjpwYXNz"],
    ["an empty bearer", "Bearer "],
    ["an unknown key", "Bearer sy_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["a truncated admin key", "TRUNCATE"],
    ["a key with spaces inside", "Bearer sy_abc def"],
  ])("answers 401 for %s", async (_label, header) => {
    const value = header === "TRUNCATE" ? `Bearer ${server.adminKey.slice(0, -1)}` : header;
    await expect401(await server.fetch("/v1/whoami", { headers: { authorization: value } }));
  });

  it("leaves /healthz, /openapi.json and /docs open", async () => {
    for (const path of ["/healthz", "/openapi.json", "/docs"]) {
      expect((await server.fetch(path)).status).toBe(200);
    }
  });

  it("recognises the platform-admin key", async () => {
    const res = await server.fetch("/v1/whoami", { headers: bearer(server.adminKey) });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ platformAdmin: true });
  });

  it("resolves a team key to its team and role; unknown /v1 paths then answer 404", async () => {
    const { team, key } = await createTeamWithKey(server, "deployer");
    expect(key).toMatch(/^sy_[A-Za-z0-9_-]{43}$/);
    const res = await server.fetch("/v1/whoami", { headers: bearer(key) });
    expect(await bodyOf(res)).toMatchObject({
      platformAdmin: false,
      team,
      role: "deployer",
      name: "deployer key",
    });
    expect((await server.fetch("/v1/nothing-here", { headers: bearer(key) })).status).toBe(404);
  });

  it("stops accepting a revoked key with the very next request", async () => {
    const { team, key: admin } = await createTeamWithKey(server, "admin");
    const created = await server.fetch(
      `/v1/teams/${team}/api-keys`,
      jsonRequest(admin, "POST", { name: "short-lived", role: "viewer" }),
    );
    const { keyId, secret } = await bodyOf(created);
    expect((await server.fetch("/v1/whoami", { headers: bearer(secret) })).status).toBe(200);

    const revoked = await server.fetch(`/v1/teams/${team}/api-keys/${keyId}`, jsonRequest(admin, "DELETE"));
    expect(revoked.status).toBe(204);
    await expect401(await server.fetch("/v1/whoami", { headers: bearer(secret) }));
    // Revoking twice: the key is no longer active.
    expect(
      (await server.fetch(`/v1/teams/${team}/api-keys/${keyId}`, jsonRequest(admin, "DELETE"))).status,
    ).toBe(404);
  });

  it("never stores or logs a key secret in clear", async () => {
    const { team } = await createTeamWithKey(server, "admin");
    const secret = await createKey(server, team, "maintainer");
    await server.fetch("/v1/whoami", { headers: bearer(secret) });
    await server.fetch("/v1/whoami", { headers: bearer(`${secret}x`) });

    // Inspect the raw table (a test-only Scan; the app never scans).
    const { doc, name } = server.deps.table;
    const items = (await doc.send(new ScanCommand({ TableName: name }))).Items ?? [];
    const dump = JSON.stringify(items);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(secret.slice(3));
    expect(dump).not.toContain(server.adminKey);
    // It is there as a hash: that is how it authenticates.
    expect(dump).toContain(hashApiKey(secret));

    const logs = JSON.stringify(server.logs);
    expect(logs).not.toContain(secret.slice(3));
    expect(logs).not.toContain(server.adminKey.slice(3));
    expect(server.logs.some((l) => l.message === "request" && l.path === "/v1/whoami")).toBe(true);
    // Key creation is logged for the audit trail, by id.
    expect(server.logs.some((l) => l.message === "api key created" && l.team === team)).toBe(true);
  });
});
