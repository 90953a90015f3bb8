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

let seq = 0;
async function newProject(): Promise<string> {
  const name = `cfg-${Date.now().toString(36)}-${seq++}`;
  const res = await server.fetch("/v1/projects", jsonRequest(key, "POST", { name }));
  expect(res.status).toBe(201);
  return name;
}

const busYaml = (bus: string) =>
  `# a comment the stored text keeps\nresources:\n  ${bus}:\n    type: event-bus\n`;

function postYaml(project: string, text: string, headers: Record<string, string> = {}) {
  return server.fetch(`/v1/projects/${project}/configs`, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/yaml", ...headers },
    body: text,
  });
}

describe("config versions", () => {
  it("stores a YAML post as version 1 with its original text, parsed form, author and hash", async () => {
    const project = await newProject();
    const text = busYaml("ordersBus");
    const res = await postYaml(project, text);
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/v1/projects/${project}/configs/1`);
    const created = await bodyOf(res);
    expect(created).toMatchObject({
      project,
      version: 1,
      format: "yaml",
      config: { resources: { ordersBus: { type: "event-bus" } } },
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdBy: { keyId: expect.stringMatching(/^key_/), name: "maintainer key" },
    });
    expect(Date.parse(created.createdAt)).not.toBeNaN();

    const asJson = await server.fetch(`/v1/projects/${project}/configs/1`, { headers: bearer(key) });
    expect(asJson.headers.get("etag")).toBe(res.headers.get("etag"));
    expect(await bodyOf(asJson)).toEqual(created);

    const asYaml = await server.fetch(`/v1/projects/${project}/configs/1`, {
      headers: { ...bearer(key), accept: "application/yaml" },
    });
    expect(asYaml.headers.get("content-type")).toContain("application/yaml");
    expect(await asYaml.text()).toBe(text);

    const project2 = await server.fetch(`/v1/projects/${project}`, { headers: bearer(key) });
    expect((await bodyOf(project2)).latestVersion).toBe(1);
  });

  it("takes JSON {config}, numbers versions n+1, and lists newest first in pages", async () => {
    const project = await newProject();
    for (const bus of ["a", "b", "c"]) {
      const res = await server.fetch(
        `/v1/projects/${project}/configs`,
        jsonRequest(key, "POST", { config: { resources: { [bus]: { type: "event-bus" } } } }),
      );
      expect(res.status).toBe(201);
      expect((await bodyOf(res)).format).toBe("json");
    }
    const page1 = await bodyOf(
      await server.fetch(`/v1/projects/${project}/configs?limit=2`, { headers: bearer(key) }),
    );
    expect(page1.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    expect(page1.items[0].config).toBeUndefined();
    const page2 = await bodyOf(
      await server.fetch(`/v1/projects/${project}/configs?limit=2&cursor=${page1.nextCursor}`, {
        headers: bearer(key),
      }),
    );
    expect(page2.items.map((v: { version: number }) => v.version)).toEqual([1]);
    expect(page2.nextCursor).toBeUndefined();

    const latest = await server.fetch(`/v1/projects/${project}/configs/latest`, { headers: bearer(key) });
    expect((await bodyOf(latest)).config.resources).toEqual({ c: { type: "event-bus" } });
  });

  it("answers a re-post identical to the latest with the latest (200), not a new version", async () => {
    const project = await newProject();
    const first = await postYaml(project, busYaml("same"));
    expect(first.status).toBe(201);
    const again = await postYaml(project, busYaml("same"));
    expect(again.status).toBe(200);
    expect((await bodyOf(again)).version).toBe(1);
    // The same content as JSON is the same config.
    const asJson = await server.fetch(
      `/v1/projects/${project}/configs`,
      jsonRequest(key, "POST", { config: { resources: { same: { type: "event-bus" } } } }),
    );
    expect(asJson.status).toBe(200);
    const list = await bodyOf(
      await server.fetch(`/v1/projects/${project}/configs`, { headers: bearer(key) }),
    );
    expect(list.items).toHaveLength(1);
  });

  it("rejects an invalid config with 422 and line/column, storing nothing", async () => {
    const project = await newProject();
    const res = await postYaml(project, "resources:\n  myBus:\n    type: event-bux\n");
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await bodyOf(res);
    expect(problem.type).toMatch(/\/config-invalid$/);
    expect(problem.errors[0]).toMatchObject({ path: "resources.myBus.type", line: 3, column: 11 });

    const broken = await postYaml(project, "resources:\n  myBus: [\n");
    expect(broken.status).toBe(422);
    expect((await bodyOf(broken)).errors[0].line).toBeGreaterThan(0);

    const latest = await server.fetch(`/v1/projects/${project}/configs/latest`, { headers: bearer(key) });
    expect(latest.status).toBe(404);
  });

  it("honours If-Match: the latest version's ETag passes, a stale one gets 412", async () => {
    const project = await newProject();
    const none = await postYaml(project, busYaml("x"), { "if-match": '"anything"' });
    expect(none.status).toBe(412);

    const v1 = await postYaml(project, busYaml("x"));
    const etag1 = v1.headers.get("etag")!;
    const v2 = await postYaml(project, busYaml("y"), { "if-match": etag1 });
    expect(v2.status).toBe(201);
    const stale = await postYaml(project, busYaml("z"), { "if-match": etag1 });
    expect(stale.status).toBe(412);
    expect((await bodyOf(stale)).type).toMatch(/\/precondition-failed$/);
    const v3 = await postYaml(project, busYaml("z"), { "if-match": v2.headers.get("etag")! });
    expect(v3.status).toBe(201);
    expect((await bodyOf(v3)).version).toBe(3);
  });

  it("replays an idempotent post and refuses the key for another config", async () => {
    const project = await newProject();
    const idem = { "idempotency-key": `post-${project}` };
    const first = await postYaml(project, busYaml("one"), idem);
    expect(first.status).toBe(201);
    const replay = await postYaml(project, busYaml("one"), idem);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await bodyOf(replay)).version).toBe(1);
    expect((await postYaml(project, busYaml("two"), idem)).status).toBe(422);
  });

  it("answers 415 for other media types, 400 for bad versions and 404 for missing ones", async () => {
    const project = await newProject();
    const text = await server.fetch(`/v1/projects/${project}/configs`, {
      method: "POST",
      headers: { ...bearer(key), "content-type": "text/plain" },
      body: "resources: {}",
    });
    expect(text.status).toBe(415);
    expect((await server.fetch(`/v1/projects/${project}/configs/abc`, { headers: bearer(key) })).status).toBe(
      400,
    );
    expect((await server.fetch(`/v1/projects/${project}/configs/7`, { headers: bearer(key) })).status).toBe(
      404,
    );
  });
});
