import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { countDynamoCalls, type DynamoCallCounter } from "../support/dynamo-calls.js";
import { startTestServer, type TestServer } from "../support/server.js";

/** Reads cost a fixed number of DynamoDB calls however much data there is, and nothing ever scans. */
let server: TestServer;
let calls: DynamoCallCounter;
let key: string;
let team: string;
const project = `counted-${Date.now().toString(36)}`;

beforeAll(async () => {
  server = await startTestServer();
  calls = countDynamoCalls(server.deps.table.doc);
  ({ team, key } = await createTeamWithKey(server, "admin"));
  await server.fetch("/v1/projects", jsonRequest(key, "POST", { name: project }));
  await postConfig(0);
});
afterAll(() => server.close());

function postConfig(i: number) {
  return server.fetch(`/v1/projects/${project}/configs`, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/yaml" },
    body: `resources:\n  bus${i}:\n    type: event-bus\n`,
  });
}

const READS = [
  "/v1/whoami",
  "/v1/teams",
  () => `/v1/teams/${team}`,
  () => `/v1/teams/${team}/api-keys?limit=5`,
  "/v1/projects?limit=5",
  () => `/v1/projects/${project}`,
  () => `/v1/projects/${project}/configs?limit=5`,
  () => `/v1/projects/${project}/configs/latest`,
  () => `/v1/projects/${project}/configs/1`,
];

async function costOfReads(): Promise<Record<string, number>> {
  const cost: Record<string, number> = {};
  for (const read of READS) {
    const path = typeof read === "string" ? read : read();
    calls.reset();
    const res = await server.fetch(path, { headers: bearer(key) });
    expect(res.status, path).toBe(200);
    await res.arrayBuffer();
    cost[path] = calls.total();
  }
  return cost;
}

describe("DynamoDB calls per request", () => {
  it("stay the same for every read as the data grows, and small", async () => {
    const small = await costOfReads();
    for (const [path, n] of Object.entries(small)) {
      expect(n, path).toBeGreaterThanOrEqual(1);
      expect(n, path).toBeLessThanOrEqual(3);
    }

    // Grow every list the reads touch: 30 more projects and keys in the team, 30 more versions.
    for (let i = 1; i <= 30; i++) {
      await server.fetch("/v1/projects", jsonRequest(key, "POST", { name: `${project}-${i}` }));
      await server.fetch(
        `/v1/teams/${team}/api-keys`,
        jsonRequest(key, "POST", { name: `k${i}`, role: "viewer" }),
      );
      expect((await postConfig(i)).status).toBe(201);
    }
    expect(await costOfReads()).toEqual(small);
  });

  it("never scans, whatever the route (reads, writes, revocation, deletion)", async () => {
    calls.reset();
    const admin = bearer(server.adminKey);
    await server.fetch("/v1/teams?limit=2", { headers: admin });
    await server.fetch("/v1/projects?limit=2", { headers: admin });
    const created = await server.fetch(
      `/v1/teams/${team}/api-keys`,
      jsonRequest(key, "POST", { name: "tmp", role: "viewer" }),
    );
    const { keyId } = (await created.json()) as { keyId: string };
    await server.fetch(`/v1/teams/${team}/api-keys/${keyId}`, jsonRequest(key, "DELETE"));
    await postConfig(999);
    expect((await server.fetch(`/v1/projects/${project}`, jsonRequest(key, "DELETE"))).status).toBe(204);
    expect(calls.total()).toBeGreaterThan(0);
    expect(calls.counts.get("Scan") ?? 0).toBe(0);

    // The counter does see a Scan when one is sent (so the zero above means something).
    const { doc, name } = server.deps.table;
    await doc.send(new ScanCommand({ TableName: name, Limit: 1 }));
    expect(calls.counts.get("Scan")).toBe(1);
  });
});
