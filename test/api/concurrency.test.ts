import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let key: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ key } = await createTeamWithKey(server, "maintainer"));
});
afterAll(() => server.close());

const busYaml = (bus: string) => `resources:\n  ${bus}:\n    type: event-bus\n`;

function postYaml(project: string, text: string, headers: Record<string, string> = {}) {
  return server.fetch(`/v1/projects/${project}/configs`, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/yaml", ...headers },
    body: text,
  });
}

async function versionsOf(project: string): Promise<number[]> {
  const res = await server.fetch(`/v1/projects/${project}/configs?limit=100`, { headers: bearer(key) });
  return (await bodyOf(res)).items.map((v: { version: number }) => v.version);
}

describe("concurrent writers", () => {
  it("20 concurrent creates of one project name: exactly one 201, the rest 409", async () => {
    const name = `race-${Date.now().toString(36)}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => server.fetch("/v1/projects", jsonRequest(key, "POST", { name }))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it("50 concurrent config posts with the same If-Match: one 201, 49 412, versions contiguous", async () => {
    const project = `ifmatch-${Date.now().toString(36)}`;
    expect((await server.fetch("/v1/projects", jsonRequest(key, "POST", { name: project }))).status).toBe(
      201,
    );
    const v1 = await postYaml(project, busYaml("base"));
    const etag = v1.headers.get("etag")!;

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => postYaml(project, busYaml(`bus${i}`), { "if-match": etag })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    expect(await versionsOf(project)).toEqual([2, 1]);

    // The winner's ETag is now the one that works.
    const winner = results.find((r) => r.status === 201)!;
    expect(
      (await postYaml(project, busYaml("next"), { "if-match": winner.headers.get("etag")! })).status,
    ).toBe(201);
    expect(await versionsOf(project)).toEqual([3, 2, 1]);
  });

  it("concurrent posts without If-Match all land, as contiguous versions", async () => {
    const project = `noifmatch-${Date.now().toString(36)}`;
    expect((await server.fetch("/v1/projects", jsonRequest(key, "POST", { name: project }))).status).toBe(
      201,
    );
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => postYaml(project, busYaml(`b${i}`))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    const created = await Promise.all(results.map(async (r) => (await bodyOf(r)).version as number));
    expect(created.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await versionsOf(project)).toEqual([6, 5, 4, 3, 2, 1]);
  });
});
